// Per-station indices from the readings: hourly means per quantity, and when a station's hour ends
// (its first reading of a later hour arrives) the hourly VN_AQI and US AQI (PM by NowCast over 12 h,
// 8-hour ozone and CO as running means) and VN_WQI; at the end of a local day (Asia/Ho_Chi_Minh) the
// daily VN_AQI and US AQI (PM 24-hour means, the day's highest 1-hour gas values and 8-hour means).
// Late readings (of an hour already closed) are stored but do not change a published index. Values
// the sensor-health rules flagged as no measurement (out of physical range, a stuck sensor) are left out.
import type { Observation } from "../../ingest/observation.js";
import { type AqiStandard, type Concentration, type IndexCategory, type Pollutant, airQualityIndex, nowCast } from "./air-quality-index.js";
import { waterQualityIndex, wqiQuantities } from "./water-quality-index.js";

const HOUR = 3_600_000;
const LOCAL_OFFSET_MS = 7 * HOUR; // Asia/Ho_Chi_Minh, UTC+7 all year
const HISTORY_HOURS = 24;
const airQuantities: ReadonlySet<string> = new Set<Pollutant>(["pm25", "pm10", "o3", "co", "no2", "so2"]);

export type IndexName = "vn_aqi" | "us_aqi" | "vn_wqi";

export interface IndexValue {
  station: string;
  index: IndexName;
  period: "1h" | "24h";
  /** End of the hour or day the index is for, Unix ms. */
  timeMs: number;
  value: number;
  category: IndexCategory;
  /** The pollutant (`pm25/1h`) or water parameter that decides the index. */
  dominant: string;
}

interface StationState {
  kind: "air" | "water";
  /** Start of the open hour, Unix ms. */
  hourMs: number;
  /** Quantity → [sum, count] of the open hour. */
  sums: Record<string, [number, number]>;
  /** Quantity → hourly means, most recent first (null: no reading that hour). */
  history: Record<string, (number | null)[]>;
}

const meanOf = (values: readonly (number | null | undefined)[], need: number): number | undefined => {
  const present = values.filter((v): v is number => typeof v === "number");
  return present.length >= need ? present.reduce((a, b) => a + b, 0) / present.length : undefined;
};

export class StationIndices {
  private readonly stations = new Map<string, StationState>();
  private readonly dirty = new Set<string>();

  constructor(private readonly emit: (value: IndexValue) => void) {}

  observe = (observation: Observation): void => {
    if (observation.type !== "sensor_reading") return;
    const hourMs = Math.floor(observation.timeMs / HOUR) * HOUR;
    let state = this.stations.get(observation.station);
    if (!state) {
      state = { kind: observation.kind, hourMs, sums: {}, history: {} };
      this.stations.set(observation.station, state);
    }
    if (hourMs < state.hourMs) return;
    if (hourMs > state.hourMs) this.closeHours(observation.station, state, hourMs);
    const relevant = state.kind === "air" ? airQuantities : wqiQuantities;
    const unmeasured = observation.unmeasured;
    for (const quantity in observation.values) {
      if (!relevant.has(quantity) || unmeasured?.includes(quantity)) continue;
      const sum = state.sums[quantity];
      if (sum) {
        sum[0] += observation.values[quantity] as number;
        sum[1] += 1;
      } else {
        state.sums[quantity] = [observation.values[quantity] as number, 1];
      }
    }
    this.dirty.add(observation.station);
  };

  /** Closes the open hour (and the empty hours up to `nextHourMs`), publishing the indices of the closed hour. */
  private closeHours(station: string, state: StationState, nextHourMs: number): void {
    const hours = Math.min(Math.round((nextHourMs - state.hourMs) / HOUR), HISTORY_HOURS);
    const quantities = new Set([...Object.keys(state.history), ...Object.keys(state.sums)]);
    for (const quantity of quantities) {
      const [sum, count] = state.sums[quantity] ?? [0, 0];
      const history = state.history[quantity] ?? [];
      history.unshift(count > 0 ? sum / count : null);
      for (let i = 1; i < hours; i++) history.unshift(null);
      state.history[quantity] = history.slice(0, HISTORY_HOURS);
    }
    const closedEndMs = state.hourMs + HOUR;
    state.sums = {};
    state.hourMs = nextHourMs;
    // Indices only for the hour that had readings; the empty hours after it publish nothing.
    for (const value of this.hourly(station, state, closedEndMs, hours)) this.emit(value);
    if ((closedEndMs + LOCAL_OFFSET_MS) % (24 * HOUR) === 0 && state.kind === "air") {
      for (const value of this.daily(station, state, closedEndMs, hours)) this.emit(value);
    }
  }

  private hourly(station: string, state: StationState, endMs: number, shift: number): IndexValue[] {
    // After a gap the closed hour is `shift - 1` entries back in the history.
    const at = (q: string) => (state.history[q] ?? []).slice(shift - 1);
    const results: IndexValue[] = [];
    if (state.kind === "water") {
      const latest: Record<string, number> = {};
      for (const q of Object.keys(state.history)) {
        const v = at(q)[0];
        if (typeof v === "number") latest[q] = v;
      }
      const wqi = waterQualityIndex(latest);
      if (wqi.ok)
        results.push({
          station,
          index: "vn_wqi",
          period: "1h",
          timeMs: endMs,
          value: wqi.wqi,
          category: wqi.category,
          dominant: wqi.dominant,
        });
      return results;
    }
    const inputs: Concentration[] = [];
    for (const pm of ["pm25", "pm10"] as const) {
      const value = nowCast(
        at(pm)
          .slice(0, 12)
          .map((v) => v ?? undefined),
      );
      if (value !== undefined) inputs.push({ pollutant: pm, avg: "1h", value, unit: "ug/m3" });
    }
    for (const gas of ["o3", "co", "no2", "so2"] as const) {
      const value = at(gas)[0];
      if (typeof value === "number") inputs.push({ pollutant: gas, avg: "1h", value, unit: "ug/m3" });
    }
    for (const gas of ["o3", "co"] as const) {
      const value = meanOf(at(gas).slice(0, 8), 6);
      if (value !== undefined) inputs.push({ pollutant: gas, avg: "8h", value, unit: "ug/m3" });
    }
    return [...this.aqi(station, "1h", endMs, inputs)];
  }

  private daily(station: string, state: StationState, endMs: number, shift: number): IndexValue[] {
    const day = (q: string) => (state.history[q] ?? []).slice(shift - 1, shift - 1 + 24);
    const inputs: Concentration[] = [];
    for (const pm of ["pm25", "pm10"] as const) {
      const value = meanOf(day(pm), 18); // 75 % of the day's hours
      if (value !== undefined) inputs.push({ pollutant: pm, avg: "24h", value, unit: "ug/m3" });
    }
    for (const gas of ["o3", "co", "no2", "so2"] as const) {
      const hours = day(gas).filter((v): v is number => typeof v === "number");
      if (hours.length > 0) inputs.push({ pollutant: gas, avg: "1h", value: Math.max(...hours), unit: "ug/m3" });
    }
    for (const gas of ["o3", "co"] as const) {
      const hours = day(gas);
      let best: number | undefined;
      for (let i = 0; i + 8 <= hours.length; i++) {
        const m = meanOf(hours.slice(i, i + 8), 6);
        if (m !== undefined && (best === undefined || m > best)) best = m;
      }
      if (best !== undefined) inputs.push({ pollutant: gas, avg: "8h", value: best, unit: "ug/m3" });
    }
    return [...this.aqi(station, "24h", endMs, inputs)];
  }

  private *aqi(station: string, period: "1h" | "24h", endMs: number, inputs: Concentration[]): Generator<IndexValue> {
    const names: Record<AqiStandard, IndexName> = { vn: "vn_aqi", us: "us_aqi" };
    for (const standard of ["vn", "us"] as const) {
      const result = airQualityIndex(standard, inputs);
      if (result)
        yield {
          station,
          index: names[standard],
          period,
          timeMs: endMs,
          value: result.aqi,
          category: result.category,
          dominant: result.dominant,
        };
    }
  }

  takeChanges(): [string, unknown][] {
    const changes: [string, unknown][] = [...this.dirty].map((station) => [station, this.stations.get(station)]);
    this.dirty.clear();
    return changes;
  }

  restore(saved: Iterable<[string, unknown]>): void {
    for (const [station, state] of saved) this.stations.set(station, state as StationState);
  }
}
