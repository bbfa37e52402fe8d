// Vietnam's water quality index VN_WQI (Decision 1460/QĐ-TCMT), from the table in vn-wqi-1460.json.
// Parameters are the hub's quantity names in their canonical units (mg/L, ug/L for pesticides,
// MPN/100 mL for bacteria); dissolved oxygen enters as % saturation, computed from mg/L and the
// water temperature when the station reports no saturation itself.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/package-root.js";
import { type IndexCategory, categoryOf } from "./air-quality-index.js";

interface WqiTable {
  q: number[];
  groups: Record<"I" | "II" | "III" | "IV" | "V", string[]>;
  requirement: { minGroups: number; mandatoryGroup: string; minInMandatoryGroup: number };
  breakpoints: Record<string, number[]>;
  pesticideLimitsUgL: Record<string, number>;
  ph: { points: [number, number][]; outside: number };
  doSaturation: { pct: number[]; q: number[]; outside: number };
  categories: IndexCategory[];
}

const table = JSON.parse(readFileSync(join(packageRoot, "alerts", "indices", "vn-wqi-1460.json"), "utf8")) as WqiTable;
export const wqiCategories = table.categories;
/** Every quantity VN_WQI can use, plus the water temperature needed to turn DO in mg/L into % saturation. */
export const wqiQuantities: ReadonlySet<string> = new Set([...Object.values(table.groups).flat(), "do", "temperature"]);

/** Oxygen solubility in fresh water at 1 atm, mg/L, for a temperature in °C (the decision's polynomial). */
export function oxygenSaturationMgL(temperatureC: number): number {
  const t = temperatureC;
  return 14.652 - 0.41022 * t + 0.007991 * t ** 2 - 0.000077774 * t ** 3;
}

/** Piecewise-linear score through (x, q) points, `outside` beyond the first and last point. */
function throughPoints(xs: readonly number[], qs: readonly number[], x: number, outside: number): number {
  if (x < (xs[0] as number) || x > (xs[xs.length - 1] as number)) return outside;
  for (let i = 0; i < xs.length - 1; i++) {
    const x0 = xs[i] as number;
    const x1 = xs[i + 1] as number;
    if (x <= x1)
      return x1 === x0 ? (qs[i + 1] as number) : (qs[i] as number) + (((qs[i + 1] as number) - (qs[i] as number)) * (x - x0)) / (x1 - x0);
  }
  return outside;
}

/** Sub-index of a parameter whose rising concentration lowers quality: q = 100, 75, 50, 25, 10 at the breakpoints. */
function pollutantScore(breakpoints: readonly number[], c: number): number {
  const q = table.q;
  if (c <= (breakpoints[0] as number)) return 100;
  for (let i = 0; i < breakpoints.length - 1; i++) {
    const lo = breakpoints[i] as number;
    const hi = breakpoints[i + 1] as number;
    if (c <= hi) return (((q[i] as number) - (q[i + 1] as number)) / (hi - lo)) * (hi - c) + (q[i + 1] as number);
  }
  return 10;
}

/** The sub-index of one parameter, undefined for a quantity VN_WQI does not use. */
export function wqiSubIndex(parameter: string, value: number): number | undefined {
  if (parameter === "ph") {
    const points = table.ph.points;
    return throughPoints(
      points.map((p) => p[0]),
      points.map((p) => p[1]),
      value,
      table.ph.outside,
    );
  }
  if (parameter === "do_saturation") return throughPoints(table.doSaturation.pct, table.doSaturation.q, value, table.doSaturation.outside);
  const limit = table.pesticideLimitsUgL[parameter];
  if (limit !== undefined) return value <= limit ? 100 : 10;
  const breakpoints = table.breakpoints[parameter];
  return breakpoints ? pollutantScore(breakpoints, value) : undefined;
}

export type WaterQualityIndex =
  | { ok: true; wqi: number; category: IndexCategory; subIndices: Record<string, number>; dominant: string }
  | { ok: false; reason: string };

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const geometricMean = (values: number[]) => values.reduce((a, b) => a * b, 1) ** (1 / values.length);

/**
 * VN_WQI of one set of measurements: WQI = (WQI_I/100) · (geomean II/100) · (geomean III/100) ·
 * [(mean IV)² · mean V]^(1/3), absent groups dropped (mean IV alone when V is absent). Needs 3 of the
 * 5 groups, group IV among them with at least 3 parameters.
 */
export function waterQualityIndex(measurements: Readonly<Record<string, number>>): WaterQualityIndex {
  const values: Record<string, number> = { ...measurements };
  if (values.do_saturation === undefined && values.do !== undefined && values.temperature !== undefined) {
    values.do_saturation = (100 * values.do) / oxygenSaturationMgL(values.temperature);
  }
  const subIndices: Record<string, number> = {};
  const byGroup: Record<string, number[]> = {};
  for (const [group, parameters] of Object.entries(table.groups)) {
    for (const parameter of parameters) {
      const value = values[parameter];
      if (value === undefined || !Number.isFinite(value)) continue;
      const score = wqiSubIndex(parameter, value) as number;
      subIndices[parameter] = score;
      const scores = byGroup[group] ?? [];
      scores.push(score);
      byGroup[group] = scores;
    }
  }
  const { minGroups, mandatoryGroup, minInMandatoryGroup } = table.requirement;
  const groups = Object.keys(byGroup).length;
  const mandatory = byGroup[mandatoryGroup]?.length ?? 0;
  if (groups < minGroups || mandatory < minInMandatoryGroup) {
    return {
      ok: false,
      reason: `VN_WQI needs ${minGroups} of the 5 parameter groups with at least ${minInMandatoryGroup} parameters of group ${mandatoryGroup} (organics and nutrients); got ${groups} group(s), ${mandatory} of group ${mandatoryGroup}`,
    };
  }
  const factor = (scores: number[] | undefined, combine: (v: number[]) => number) => (scores ? combine(scores) / 100 : 1);
  const meanIV = mean(byGroup.IV as number[]);
  const organic = byGroup.V ? (meanIV ** 2 * mean(byGroup.V)) ** (1 / 3) : meanIV;
  const exact = factor(byGroup.I, mean) * factor(byGroup.II, geometricMean) * factor(byGroup.III, geometricMean) * organic;
  const wqi = Math.round(exact);
  const dominant = Object.entries(subIndices).reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  return { ok: true, wqi, category: categoryOf(table.categories, wqi), subIndices, dominant };
}
