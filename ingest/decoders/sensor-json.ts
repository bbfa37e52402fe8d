// The hub's own sensor JSON (schemas/sensor-reading.schema.json): one reading, or an array of them.
// Each element of a batch is validated on its own so one bad element does not cost the others.
import { elementPrefix, jsonElements } from "../json-batch.js";
import type { Observation } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import { schemaRejection } from "../schema-registry.js";
import { type ReadingEntry, buildSensorReading } from "../sensor-reading-builder.js";
import type { Decoder } from "./decoder.js";

interface ReadingPayload {
  time?: string | number;
  kind?: "air" | "water";
  values: Record<string, number>;
  units?: Record<string, string>;
}

const singleEntryPath = (entry: ReadingEntry) => `/values/${entry.name}`;

export const sensorJsonDecoder: Decoder = {
  name: "sensor-json",
  schema: "sensor-reading",
  decode(envelope, { schemas, limits }) {
    const parsed = jsonElements(envelope.bytes, limits, "readings");
    if (!parsed.ok) return { observations: [], rejections: [parsed.rejection] };
    const { batch, elements } = parsed;
    if (batch && elements.length === 0) {
      return {
        observations: [],
        rejections: [reject("schema_violation", "a batch needs at least one reading", { schema: "sensor-batch", path: "/" })],
      };
    }
    const validate = schemas.validator("sensor-reading");
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index];
      const prefix = elementPrefix(batch, index);
      if (!validate(element)) {
        rejections.push(schemaRejection(validate.errors, prefix, "sensor-reading"));
        continue;
      }
      const payload = element as ReadingPayload;
      let timeMs = envelope.receivedAt;
      if (payload.time !== undefined) {
        timeMs = typeof payload.time === "number" ? payload.time : Date.parse(payload.time);
        if (!Number.isFinite(timeMs)) {
          rejections.push(reject("time_invalid", `time "${payload.time}" cannot be read`, { path: `${prefix}/time` }));
          continue;
        }
      }
      const units = payload.units;
      const unitWithoutValue = units && Object.keys(units).find((name) => !Object.hasOwn(payload.values, name));
      if (unitWithoutValue !== undefined) {
        rejections.push(
          reject("schema_violation", `a unit is given for "${unitWithoutValue}" but no value`, {
            path: `${prefix}/units/${unitWithoutValue}`,
          }),
        );
        continue;
      }
      const entries: ReadingEntry[] = [];
      for (const name in payload.values) entries.push({ name, value: payload.values[name] as number, unit: units?.[name] });
      const built = buildSensorReading({
        station: envelope.subjectId,
        source: envelope.via,
        timeMs,
        kind: payload.kind,
        deviceKind: envelope.deviceKind,
        path: prefix || "/",
        // Pointers are built only for a rejection.
        entryPath: batch ? (entry) => `${prefix}/values/${entry.name}` : singleEntryPath,
        entries,
      });
      if ("rejection" in built) rejections.push(built.rejection);
      else observations.push(built.reading);
    }
    return { observations, rejections };
  },
};
