// Builds a SensorReading from decoded (quantity, value, unit) entries: the unit check and conversion,
// finiteness and the station-kind decision shared by every sensor format.
import type { SensorKind, SensorReading } from "./observation.js";
import { impliedKind, toCanonical } from "./quantities.js";
import { type Rejection, reject } from "./rejection.js";

export interface ReadingEntry {
  name: string;
  value: number;
  unit?: string | undefined;
  /** JSON pointer of the entry, for the rejection. */
  path: string;
}

export interface ReadingDraft {
  station: string;
  source: string;
  timeMs: number;
  entries: ReadingEntry[];
  /** Kind stated in the payload. */
  kind?: SensorKind | undefined;
  /** Kind the sending device is registered with, when it is a station. */
  deviceKind?: string | undefined;
  path: string;
}

/**
 * A raw device value through a linear scale (register or logger counts → units). Rounded to 12
 * significant digits so 274 × 0.1 is stored as 27.4, not 27.400000000000002.
 */
export function scaled(raw: number, scale = 1, offset = 0): number {
  if (scale === 1 && offset === 0) return raw;
  return Number((raw * scale + offset).toPrecision(12));
}

export function buildSensorReading(draft: ReadingDraft): { reading: SensorReading } | { rejection: Rejection } {
  const values: Record<string, number> = {};
  for (const entry of draft.entries) {
    if (!Number.isFinite(entry.value)) {
      return { rejection: reject("value_not_finite", `${entry.name} is ${entry.value}`, { path: entry.path }) };
    }
    const converted = toCanonical(entry.name, entry.value, entry.unit);
    if (!converted.ok) return { rejection: reject(converted.reason, converted.message, { path: entry.path }) };
    if (!Number.isFinite(converted.value)) {
      return { rejection: reject("value_not_finite", `${entry.name} overflows after unit conversion`, { path: entry.path }) };
    }
    values[entry.name] = converted.value;
  }
  const implied = impliedKind(Object.keys(values));
  if (implied === "mixed") {
    return { rejection: reject("kind_mismatch", "a reading mixes air and water quantities", { path: draft.path }) };
  }
  const registered = draft.deviceKind === "air" || draft.deviceKind === "water" ? draft.deviceKind : undefined;
  const kind = draft.kind ?? registered ?? implied;
  if (!kind) {
    return { rejection: reject("kind_mismatch", 'the station kind cannot be told: add "kind": "air" or "water"', { path: draft.path }) };
  }
  for (const other of [registered, implied]) {
    if (other && other !== kind) {
      return { rejection: reject("kind_mismatch", `the reading is ${other} data but was sent as ${kind}`, { path: draft.path }) };
    }
  }
  return {
    reading: { type: "sensor_reading", station: draft.station, kind, source: draft.source, timeMs: draft.timeMs, values },
  };
}
