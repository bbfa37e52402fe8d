// Builds a SensorReading from decoded (quantity, value, unit) entries: the unit check and conversion,
// finiteness and the station-kind decision shared by every sensor format.
import type { SensorKind, SensorReading } from "./observation.js";
import { impliedKind, toCanonical } from "./quantities.js";
import { type Rejection, reject } from "./rejection.js";

export interface ReadingEntry {
  name: string;
  value: number;
  unit?: string | undefined;
  /** JSON pointer of the entry, for the rejection; or left to the draft's entryPath. */
  path?: string;
}

export interface ReadingDraft<E extends ReadingEntry = ReadingEntry> {
  station: string;
  source: string;
  timeMs: number;
  entries: E[];
  /** Kind stated in the payload. */
  kind?: SensorKind | undefined;
  /** Kind the sending device is registered with, when it is a station. */
  deviceKind?: string | undefined;
  /**
   * JSON pointer of the reading, for the rejection; a function is only called for one. Formats with
   * many readings per message (SenML) build no pointer for the readings that are accepted.
   */
  path: string | ((entries: readonly E[]) => string);
  /** JSON pointer of an entry without its own path. */
  entryPath?: (entry: E) => string;
}

/**
 * A raw device value through a linear scale (register or logger counts → units). Rounded to 12
 * significant digits so 274 × 0.1 is stored as 27.4, not 27.400000000000002.
 */
export function scaled(raw: number, scale = 1, offset = 0): number {
  if (scale === 1 && offset === 0) return raw;
  return Number((raw * scale + offset).toPrecision(12));
}

// Pointers for rejections, as functions of the draft: nothing is built (no closure either) for a reading that is accepted.
const entryPointer = <E extends ReadingEntry>(draft: ReadingDraft<E>, entry: E) => entry.path ?? draft.entryPath?.(entry);
const readingPointer = <E extends ReadingEntry>(draft: ReadingDraft<E>) =>
  typeof draft.path === "string" ? draft.path : draft.path(draft.entries);

export function buildSensorReading<E extends ReadingEntry>(draft: ReadingDraft<E>): { reading: SensorReading } | { rejection: Rejection } {
  const values: Record<string, number> = {};
  for (const entry of draft.entries) {
    if (!Number.isFinite(entry.value)) {
      return { rejection: reject("value_not_finite", `${entry.name} is ${entry.value}`, { path: entryPointer(draft, entry) }) };
    }
    const converted = toCanonical(entry.name, entry.value, entry.unit);
    if (!converted.ok) return { rejection: reject(converted.reason, converted.message, { path: entryPointer(draft, entry) }) };
    if (!Number.isFinite(converted.value)) {
      return {
        rejection: reject("value_not_finite", `${entry.name} overflows after unit conversion`, { path: entryPointer(draft, entry) }),
      };
    }
    values[entry.name] = converted.value;
  }
  const implied = impliedKind(draft.entries);
  if (implied === "mixed") {
    return { rejection: reject("kind_mismatch", "a reading mixes air and water quantities", { path: readingPointer(draft) }) };
  }
  const registered = draft.deviceKind === "air" || draft.deviceKind === "water" ? draft.deviceKind : undefined;
  const kind = draft.kind ?? registered ?? implied;
  if (!kind) {
    return {
      rejection: reject("kind_mismatch", 'the station kind cannot be told: add "kind": "air" or "water"', { path: readingPointer(draft) }),
    };
  }
  if ((registered && registered !== kind) || (implied && implied !== kind)) {
    const other = registered && registered !== kind ? registered : implied;
    return { rejection: reject("kind_mismatch", `the reading is ${other} data but was sent as ${kind}`, { path: readingPointer(draft) }) };
  }
  return {
    reading: { type: "sensor_reading", station: draft.station, kind, source: draft.source, timeMs: draft.timeMs, values },
  };
}
