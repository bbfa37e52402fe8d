// Air quality indices from breakpoint tables (data files beside this one, with their sources):
// Vietnam's VN_AQI (Decision 1459/QĐ-TCMT) and the US EPA AQI (2024 PM2.5 breakpoints).
// A sub-index is a linear interpolation inside the breakpoint row holding the concentration; the
// index is the highest sub-index. Inputs the standard defines no index for give a reason, not a number.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/package-root.js";
import { toCanonical } from "../../ingest/quantities.js";

export const pollutants = ["pm25", "pm10", "o3", "co", "no2", "so2"] as const;
export type Pollutant = (typeof pollutants)[number];
export const averagingPeriods = ["1h", "8h", "24h"] as const;
export type AveragingPeriod = (typeof averagingPeriods)[number];
export const aqiStandards = ["vn", "us"] as const;
export type AqiStandard = (typeof aqiStandards)[number];

export interface IndexCategory {
  id: string;
  min: number;
  max: number;
  en: string;
  vi: string;
  colour: string;
}

export type SubIndex = { ok: true; aqi: number; exact: number } | { ok: false; reason: string };

interface VnTable {
  indexBreakpoints: number[];
  concentrationBreakpoints: Record<string, number[]>;
  categories: IndexCategory[];
}
interface UsTable {
  units: Record<Pollutant, string>;
  truncation: Record<Pollutant, number>;
  rows: Record<string, [number, number, number, number][]>;
  categories: IndexCategory[];
}

const tableDir = join(packageRoot, "alerts", "indices");
const readTable = <T>(file: string): T => JSON.parse(readFileSync(join(tableDir, file), "utf8")) as T;
const vn = readTable<VnTable>("vn-aqi-1459.json");
const us = readTable<UsTable>("us-aqi-2024.json");

export const aqiCategories: Record<AqiStandard, IndexCategory[]> = { vn: vn.categories, us: us.categories };

/** The category an index value falls in (values above the scale are in the top category). */
export function categoryOf(categories: readonly IndexCategory[], value: number): IndexCategory {
  const rounded = Math.round(value);
  for (const category of categories) if (rounded >= category.min && rounded <= category.max) return category;
  // Out of the table: above the top or below the bottom of the scale.
  const sorted = [...categories].sort((a, b) => a.min - b.min);
  return (rounded < (sorted[0] as IndexCategory).min ? sorted[0] : sorted[sorted.length - 1]) as IndexCategory;
}

/** Converts a concentration given in ug/m3, mg/m3, ppb or ppm to `unit` (gases at 25 °C, 1 atm). */
function convert(pollutant: Pollutant, value: number, fromUnit: string, unit: string): number | undefined {
  const canonical = toCanonical(pollutant, value, fromUnit);
  if (!canonical.ok) return undefined;
  if (unit === "ug/m3") return canonical.value;
  const one = toCanonical(pollutant, 1, unit);
  return one.ok ? canonical.value / one.value : undefined;
}

function vnSubIndex(pollutant: Pollutant, avg: AveragingPeriod, ugm3: number): SubIndex {
  const row = vn.concentrationBreakpoints[`${pollutant}/${avg}`];
  if (!row) return { ok: false, reason: `VN_AQI defines no index for ${avg} ${pollutant}` };
  const top = row[row.length - 1] as number;
  if (ugm3 > top) {
    return {
      ok: false,
      reason:
        pollutant === "o3" && avg === "8h"
          ? "8-hour ozone above 400 ug/m3 has no VN_AQI breakpoint: use the 1-hour value"
          : `above the top of the VN_AQI scale (${top} ug/m3)`,
    };
  }
  for (let i = 0; i < row.length - 1; i++) {
    const lo = row[i] as number;
    const hi = row[i + 1] as number;
    if (ugm3 <= hi) {
      const iLo = vn.indexBreakpoints[i] as number;
      const iHi = vn.indexBreakpoints[i + 1] as number;
      const exact = ((iHi - iLo) / (hi - lo)) * (ugm3 - lo) + iLo;
      return { ok: true, aqi: Math.round(exact), exact };
    }
  }
  return { ok: false, reason: "unreachable" };
}

function usSubIndex(pollutant: Pollutant, avg: AveragingPeriod, value: number): SubIndex {
  const rows = us.rows[`${pollutant}/${avg}`];
  if (!rows) return { ok: false, reason: `the US AQI defines no index for ${avg} ${pollutant}` };
  // EPA truncates (not rounds) the concentration to the table's precision before the lookup.
  const step = us.truncation[pollutant];
  const c = Number((Math.floor(value / step + 1e-9) * step).toFixed(6));
  const first = rows[0] as [number, number, number, number];
  const last = rows[rows.length - 1] as [number, number, number, number];
  if (c < first[0]) {
    const why =
      pollutant === "o3" && avg === "1h"
        ? "1-hour ozone below 0.125 ppm has no US AQI: use the 8-hour average"
        : pollutant === "so2" && avg === "24h"
          ? "24-hour SO2 is used only from 305 ppb: use the 1-hour value"
          : `below the US AQI table for ${avg} ${pollutant}`;
    return { ok: false, reason: why };
  }
  if (c > last[1]) {
    const why =
      pollutant === "o3" && avg === "8h"
        ? "8-hour ozone above 0.200 ppm has no US AQI: use the 1-hour value"
        : pollutant === "so2" && avg === "1h"
          ? "1-hour SO2 above 304 ppb defines no US AQI: use the 24-hour average"
          : `above the top of the US AQI scale (${last[1]} ${us.units[pollutant]})`;
    return { ok: false, reason: why };
  }
  for (const [cLo, cHi, iLo, iHi] of rows) {
    // Rows leave gaps at the truncation step (35.4 | 35.5): a truncated value falls in one of them.
    if (c <= cHi + step / 2) {
      const exact = ((iHi - iLo) / (cHi - cLo)) * (Math.max(c, cLo) - cLo) + iLo;
      return { ok: true, aqi: Math.round(exact), exact };
    }
  }
  return { ok: false, reason: "unreachable" };
}

/**
 * The sub-index of one concentration. `unit` is ug/m3 (or µg/m3, mg/m3), ppb or ppm; gases are
 * converted at 25 °C and 1 atm. For PM a "1h" value means the hourly NowCast concentration.
 */
export function subIndex(standard: AqiStandard, pollutant: Pollutant, avg: AveragingPeriod, value: number, unit: string): SubIndex {
  if (!Number.isFinite(value)) return { ok: false, reason: "the value is not a number" };
  if (value < 0) return { ok: false, reason: "a concentration cannot be negative" };
  const target = standard === "vn" ? "ug/m3" : us.units[pollutant];
  const converted = convert(pollutant, value, unit, target);
  if (converted === undefined) return { ok: false, reason: `unit "${unit}" cannot be used for ${pollutant}` };
  return standard === "vn" ? vnSubIndex(pollutant, avg, converted) : usSubIndex(pollutant, avg, converted);
}

export interface Concentration {
  pollutant: Pollutant;
  avg: AveragingPeriod;
  value: number;
  unit: string;
}

export interface AirQualityIndex {
  aqi: number;
  category: IndexCategory;
  /** `pollutant/avg` of the highest sub-index. */
  dominant: string;
  subIndices: Record<string, number>;
}

/**
 * The index of a set of concentrations: the highest sub-index. VN_AQI needs PM2.5 or PM10 among
 * them (Decision 1459); inputs without an index are skipped. Undefined when nothing qualifies.
 */
export function airQualityIndex(standard: AqiStandard, inputs: readonly Concentration[]): AirQualityIndex | undefined {
  const subIndices: Record<string, number> = {};
  let best: { key: string; exact: number } | undefined;
  for (const input of inputs) {
    const result = subIndex(standard, input.pollutant, input.avg, input.value, input.unit);
    // Above the scale the value is off the chart: counted as 500 so that the category is Hazardous.
    const exact = result.ok ? result.exact : /above the top/.test(result.reason) ? 500 : undefined;
    if (exact === undefined) continue;
    const key = `${input.pollutant}/${input.avg}`;
    if (subIndices[key] !== undefined && (subIndices[key] as number) >= exact) continue;
    subIndices[key] = exact;
    if (!best || exact > best.exact) best = { key, exact };
  }
  if (!best) return undefined;
  if (standard === "vn" && !Object.keys(subIndices).some((k) => k.startsWith("pm"))) return undefined;
  const aqi = Math.round(best.exact);
  return { aqi, category: categoryOf(aqiCategories[standard], aqi), dominant: best.key, subIndices };
}

/**
 * The NowCast of hourly PM means, most recent hour first (up to 12; undefined for a missing hour):
 * w* = c_min / c_max, w = max(w*, 0.5), NowCast = Σ w^(i-1)·c_i / Σ w^(i-1). Needs 2 of the 3 latest hours.
 */
export function nowCast(hourlyMostRecentFirst: readonly (number | undefined)[]): number | undefined {
  const hours = hourlyMostRecentFirst.slice(0, 12);
  if (hours.slice(0, 3).filter((c) => c !== undefined).length < 2) return undefined;
  const present = hours.filter((c): c is number => c !== undefined);
  const max = Math.max(...present);
  const min = Math.min(...present);
  const w = max <= 0 ? 1 : Math.max(min / max, 0.5);
  let weighted = 0;
  let weights = 0;
  hours.forEach((c, i) => {
    if (c === undefined) return;
    weighted += w ** i * c;
    weights += w ** i;
  });
  return weighted / weights;
}
