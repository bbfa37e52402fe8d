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
    const byTime = new Map<number, ReadingEntry[]>();
    let bn = "";
    let bt = 0;
    let bu: string | undefined;
    let bv = 0;
    const nowS = envelope.receivedAt / 1000;
    records.forEach((element, index) => {
      const path = `/${index}`;
      if (!validate(element)) {
        rejections.push(schemaRejection(validate.errors, path, "senml"));
        return;
      }
      const record = element as SenmlRecord;
      if (record.bn !== undefined) bn = record.bn;
      if (record.bt !== undefined) bt = record.bt;
      if (record.bu !== undefined) bu = record.bu;
      if (record.bv !== undefined) bv = record.bv;
      if (record.bver !== undefined && record.bver > 10) {
        rejections.push(
          reject("schema_violation", `SenML version ${record.bver} is not supported`, { path: `${path}/bver`, schema: "senml" }),
        );
        return;
      }
      const hasValue =
        record.v !== undefined || record.vs !== undefined || record.vb !== undefined || record.vd !== undefined || record.s !== undefined;
      if (record.n === undefined && !hasValue) return; // a record of base fields only
      if (!hasValue) {
        rejections.push(reject("schema_violation", "a record needs a value (RFC 8428 §4.2)", { path, schema: "senml" }));
        return;
      }
      if (record.v === undefined) {
        rejections.push(
          reject("schema_violation", "only numeric values (v) are accepted for station quantities", { path, schema: "senml" }),
        );
        return;
      }
      const name = bn + (record.n ?? "");
      if (!NAME_PATTERN.test(name)) {
        rejections.push(
          reject("schema_violation", `resolved name "${name}" is not a valid SenML name`, { path: `${path}/n`, schema: "senml" }),
        );
        return;
      }
      let timeS = bt + (record.t ?? 0);
      if (timeS < RELATIVE_TIME_LIMIT_S) timeS += nowS;
      const timeMs = Math.round(timeS * 1000);
      const entries = byTime.get(timeMs) ?? [];
      entries.push({ name: quantityOf(name), value: bv + record.v, unit: record.u ?? bu, path: `${path}/v` });
      byTime.set(timeMs, entries);
    });
    const observations: Observation[] = [];
    for (const [timeMs, entries] of byTime) {
      // A quantity repeated at one time is ambiguous; keep the last record, as §4.6 resolves later records over earlier.
      // (Most packs have one record per time: no map for those.)
      const unique = entries.length === 1 ? entries : [...new Map(entries.map((e) => [e.name, e])).values()];
      const first = (entries[0] as ReadingEntry).path; // "/{index}/v"
      const built = buildSensorReading({
        station: envelope.subjectId,
        source: envelope.via,
        timeMs,
        deviceKind: envelope.deviceKind,
        path: first.slice(0, first.length - 2),
        entries: unique,
      });
      if ("rejection" in built) rejections.push(built.rejection);
      else observations.push(built.reading);
    }
    return { observations, rejections };
  },
};
