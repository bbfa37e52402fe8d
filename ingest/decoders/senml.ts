// SenML JSON packs (RFC 8428). Base fields carry forward until changed (§4.1); names resolve as
// bn + n (§4.5.1), times as bt + t in seconds with values below 2^28 relative to now (§4.5.3),
// values as bv + v (§4.5.2). Records sharing one resolved time become one reading.
import { parseJsonPayload } from "../json-payload.js";
import type { Observation } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import { schemaRejection } from "../schema-registry.js";
import { type ReadingEntry, buildSensorReading } from "../sensor-reading-builder.js";
import type { Decoder } from "./decoder.js";

interface SenmlRecord {
  bn?: string;
  bt?: number;
  bu?: string;
  bv?: number;
  bver?: number;
  n?: string;
  u?: string;
  v?: number;
  vs?: string;
  vb?: boolean;
  vd?: string;
  s?: number;
  t?: number;
}

/** RFC 8428 §4.5.3: times below 2^28 s are relative to the current time. */
const RELATIVE_TIME_LIMIT_S = 2 ** 28;
/** RFC 8428 §4.5.1: the characters allowed in a resolved name. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9\-:./_]*$/;

/** A value of a reading, with the index of its record (for the rejection's JSON pointer). */
interface SenmlEntry extends ReadingEntry {
  record: number;
}

interface TimeGroup {
  timeMs: number;
  entries: SenmlEntry[];
}

/** JSON pointers, built only for a rejection: a reading is known by its first record. */
const readingPath = (entries: readonly SenmlEntry[]) => `/${(entries[0] as SenmlEntry).record}`;
const entryPath = (entry: SenmlEntry) => `/${entry.record}/v`;

function quantityOf(name: string): string {
  const cut = Math.max(name.lastIndexOf(":"), name.lastIndexOf("/"));
  return name.slice(cut + 1);
}

export const senmlDecoder: Decoder = {
  name: "senml",
  schema: "senml",
  decode(envelope, { schemas, limits }) {
    const parsed = parseJsonPayload(envelope.bytes, limits.maxJsonDepth);
    if (!parsed.ok) return { observations: [], rejections: [parsed.rejection] };
    if (!Array.isArray(parsed.value) || parsed.value.length === 0) {
      return {
        observations: [],
        rejections: [
          reject("schema_violation", "a SenML pack is a non-empty JSON array of records", {
            schema: "senml",
            path: "/",
            schemaPath: "#/type",
          }),
        ],
      };
    }
    const records = parsed.value as unknown[];
    if (records.length > limits.maxBatchReadings) {
      return {
        observations: [],
        rejections: [reject("batch_too_large", `${records.length} records in one pack; at most ${limits.maxBatchReadings}`)],
      };
    }
    const validate = schemas.validator("senml#/$defs/record");
    const rejections: Rejection[] = [];
    // Readings by resolved time, in order of first appearance. Packs usually list times in
    // increasing order, so a later time is a new reading without a lookup; the map by time is built
    // only when a time goes back.
    const readings: TimeGroup[] = [];
    let byTime: Map<number, TimeGroup> | undefined;
    let latest = Number.NEGATIVE_INFINITY;
    let bn = "";
    let bt = 0;
    let bu: string | undefined;
    let bv = 0;
    // The last resolved name (bn + n) and its quantity: a pack names the same few over and over.
    let resolvedBn: string | undefined;
    let resolvedN: string | undefined;
    let resolvedQuantity = "";
    const nowS = envelope.receivedAt / 1000;
    for (let index = 0; index < records.length; index++) {
      const element = records[index];
      if (!validate(element)) {
        rejections.push(schemaRejection(validate.errors, `/${index}`, "senml"));
        continue;
      }
      const record = element as SenmlRecord;
      if (record.bn !== undefined) bn = record.bn;
      if (record.bt !== undefined) bt = record.bt;
      if (record.bu !== undefined) bu = record.bu;
      if (record.bv !== undefined) bv = record.bv;
      if (record.bver !== undefined && record.bver > 10) {
        rejections.push(
          reject("schema_violation", `SenML version ${record.bver} is not supported`, { path: `/${index}/bver`, schema: "senml" }),
        );
        continue;
      }
      const hasValue =
        record.v !== undefined || record.vs !== undefined || record.vb !== undefined || record.vd !== undefined || record.s !== undefined;
      if (record.n === undefined && !hasValue) continue; // a record of base fields only
      if (!hasValue) {
        rejections.push(reject("schema_violation", "a record needs a value (RFC 8428 §4.2)", { path: `/${index}`, schema: "senml" }));
        continue;
      }
      if (record.v === undefined) {
        rejections.push(
          reject("schema_violation", "only numeric values (v) are accepted for station quantities", { path: `/${index}`, schema: "senml" }),
        );
        continue;
      }
      if (bn !== resolvedBn || record.n !== resolvedN) {
        const name = bn + (record.n ?? "");
        if (!NAME_PATTERN.test(name)) {
          rejections.push(
            reject("schema_violation", `resolved name "${name}" is not a valid SenML name`, { path: `/${index}/n`, schema: "senml" }),
          );
          continue;
        }
        resolvedBn = bn;
        resolvedN = record.n;
        resolvedQuantity = quantityOf(name);
      }
      let timeS = bt + (record.t ?? 0);
      if (timeS < RELATIVE_TIME_LIMIT_S) timeS += nowS;
      const timeMs = Math.round(timeS * 1000);
      const entry: SenmlEntry = { name: resolvedQuantity, value: bv + record.v, unit: record.u ?? bu, record: index };
      let reading: TimeGroup | undefined;
      if (timeMs === latest) reading = readings[readings.length - 1];
      else if (timeMs < latest) {
        byTime ??= new Map(readings.map((r) => [r.timeMs, r]));
        reading = byTime.get(timeMs);
      }
      if (reading) reading.entries.push(entry);
      else {
        reading = { timeMs, entries: [entry] };
        readings.push(reading);
        byTime?.set(timeMs, reading);
        if (timeMs > latest) latest = timeMs;
      }
    }
    const observations: Observation[] = [];
    for (const { timeMs, entries } of readings) {
      // A quantity repeated at one time is ambiguous; keep the last record, as §4.6 resolves later records over earlier.
      // (Most packs have one record per time: no map for those.)
      const unique = entries.length === 1 ? entries : [...new Map(entries.map((e) => [e.name, e])).values()];
      const built = buildSensorReading({
        station: envelope.subjectId,
        source: envelope.via,
        timeMs,
        deviceKind: envelope.deviceKind,
        // Known by its first record (before duplicates are dropped).
        path: entries.length === 1 ? readingPath : readingPath(entries),
        entryPath,
        entries: unique,
      });
      if ("rejection" in built) rejections.push(built.rejection);
      else observations.push(built.reading);
    }
    return { observations, rejections };
  },
};
