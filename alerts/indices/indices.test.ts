// The indices against the worked examples of shared/corpus/geo/aqi-breakpoints.json (computed with the
// decisions' formulas by the corpus compiler) and against hand-checked edge cases of each table.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import { type Concentration, type Pollutant, airQualityIndex, nowCast, subIndex } from "./air-quality-index.js";
import { oxygenSaturationMgL, waterQualityIndex, wqiSubIndex } from "./water-quality-index.js";

interface Examples {
  VN_AQI: { input_ugm3: Record<string, number>; subindices: Record<string, number>; AQI: number; dominant: string }[];
  US_EPA_AQI: { pollutant: string; conc: number; AQI: number }[];
  VN_WQI: {
    input: Record<string, number | { DO_mgL: number; T_C: number; DO_pct_sat: number }>;
    subindices: Record<string, number>;
    WQI: number;
  }[];
  VN_AQI_nowcast: { "hourly_PM2.5_most_recent_first": number[]; nowcast: number; "AQI_h_PM2.5": number };
}
const corpus = JSON.parse(readFileSync(join(packageRoot, "..", "shared", "corpus", "geo", "aqi-breakpoints.json"), "utf8"));
const examples = corpus.worked_examples_computed_by_compiler as Examples;

// Corpus names → (pollutant, averaging period). PM without a period is the 24-h (or NowCast) value.
const corpusAir: Record<string, [Pollutant, "1h" | "8h" | "24h"]> = {
  "PM2.5": ["pm25", "24h"],
  PM10: ["pm10", "24h"],
  O3_1h: ["o3", "1h"],
  O3_8h: ["o3", "8h"],
  CO_1h: ["co", "1h"],
  NO2_1h: ["no2", "1h"],
  SO2_1h: ["so2", "1h"],
};
const corpusWater: Record<string, string> = {
  pH: "ph",
  BOD5_mgL: "bod5",
  COD_mgL: "cod",
  "N-NH4_mgL": "nh4",
  "N-NO3_mgL": "no3",
  "P-PO4_mgL": "po4",
  Coliform_MPN100mL: "coliform",
  "E.coli_MPN100mL": "e_coli",
  As_mgL: "arsenic",
  Pb_mgL: "lead",
};

describe("VN_AQI (Decision 1459/QĐ-TCMT)", () => {
  it.each(examples.VN_AQI.map((e) => [JSON.stringify(e.input_ugm3), e] as const))("worked example %s", (_, example) => {
    const inputs: Concentration[] = Object.entries(example.input_ugm3).map(([name, value]) => {
      const [pollutant, avg] = corpusAir[name] as [Pollutant, "1h" | "8h" | "24h"];
      return { pollutant, avg, value, unit: "ug/m3" };
    });
    const result = airQualityIndex("vn", inputs);
    expect(result?.aqi).toBe(example.AQI);
    const [pollutant, avg] = corpusAir[example.dominant] as [string, string];
    expect(result?.dominant).toBe(`${pollutant}/${avg}`);
    for (const [name, expected] of Object.entries(example.subindices)) {
      const [p, a] = corpusAir[name] as [string, string];
      expect(result?.subIndices[`${p}/${a}`]).toBeCloseTo(expected, 6);
    }
  });

  it("computes the hourly PM2.5 index from the NowCast of the worked example", () => {
    const n = examples.VN_AQI_nowcast;
    const value = nowCast(n["hourly_PM2.5_most_recent_first"]) as number;
    expect(value).toBeCloseTo(n.nowcast, 2);
    expect(subIndex("vn", "pm25", "1h", value, "ug/m3")).toMatchObject({ ok: true, aqi: n["AQI_h_PM2.5"] });
  });

  it.each([
    ["pm25 at a breakpoint", "pm25", "24h", 25, "ug/m3", 50],
    ["pm25 zero", "pm25", "24h", 0, "ug/m3", 0],
    ["pm25 top of scale", "pm25", "24h", 500, "ug/m3", 500],
    ["co in mg/m3", "co", "1h", 10, "mg/m3", 50],
    ["no2 in ppb (25 °C)", "no2", "1h", 53.15, "ppb", 50],
  ] as const)("%s", (_, pollutant, avg, value, unit, aqi) => {
    const result = subIndex("vn", pollutant, avg, value, unit);
    expect(result.ok && result.aqi).toBe(aqi);
  });

  it.each([
    ["8-hour ozone above 400 µg/m³", "o3", "8h", 450, "ug/m3", /use the 1-hour value/],
    ["8-hour CO", "co", "8h", 5000, "ug/m3", /defines no index/],
    ["above the top", "pm10", "24h", 700, "ug/m3", /above the top/],
    ["negative", "pm25", "24h", -1, "ug/m3", /negative/],
    ["PM in ppb", "pm25", "24h", 10, "ppb", /unit "ppb"/],
  ] as const)("gives a reason instead of an index: %s", (_, pollutant, avg, value, unit, reason) => {
    const result = subIndex("vn", pollutant, avg, value, unit);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it("needs PM2.5 or PM10 among the inputs", () => {
    expect(airQualityIndex("vn", [{ pollutant: "o3", avg: "1h", value: 100, unit: "ug/m3" }])).toBeUndefined();
  });

  it("puts values above the scale in the hazardous category", () => {
    const result = airQualityIndex("vn", [{ pollutant: "pm25", avg: "24h", value: 800, unit: "ug/m3" }]);
    expect(result).toMatchObject({ aqi: 500, category: { id: "hazardous", vi: "Nguy hại" } });
  });

  it("needs two of the three latest hours for a NowCast", () => {
    expect(nowCast([undefined, undefined, 30, 40])).toBeUndefined();
    expect(nowCast([30, undefined, 30])).toBeCloseTo(30, 9);
  });
});

describe("US EPA AQI (2024 PM2.5 breakpoints)", () => {
  const names: Record<string, [Pollutant, "1h" | "8h" | "24h", string]> = {
    "PM2.5_24h": ["pm25", "24h", "ug/m3"],
    PM10_24h: ["pm10", "24h", "ug/m3"],
    O3_8h_ppm: ["o3", "8h", "ppm"],
  };
  it.each(examples.US_EPA_AQI.map((e) => [`${e.pollutant} ${e.conc}`, e] as const))("worked example %s", (_, example) => {
    const [pollutant, avg, unit] = names[example.pollutant] as [Pollutant, "1h" | "8h" | "24h", string];
    expect(subIndex("us", pollutant, avg, example.conc, unit)).toMatchObject({ ok: true, aqi: example.AQI });
  });

  it.each([
    ["truncates PM2.5 before the lookup (9.09 → 9.0)", "pm25", "24h", 9.09, "ug/m3", 50],
    ["next row after the gap", "pm25", "24h", 9.1, "ug/m3", 51],
    ["2024 Hazardous band is one row", "pm25", "24h", 325.4, "ug/m3", 500],
    ["1-hour ozone from 0.125 ppm", "o3", "1h", 0.125, "ppm", 101],
    ["CO 8-hour", "co", "8h", 9.4, "ppm", 100],
    ["NO2 1-hour", "no2", "1h", 100, "ppb", 100],
    ["SO2 24-hour from 305 ppb", "so2", "24h", 305, "ppb", 201],
    ["O3 given in µg/m³ is converted", "o3", "8h", 0.078 * (47.997 / 24.45) * 1000, "ug/m3", 126],
  ] as const)("%s", (_, pollutant, avg, value, unit, aqi) => {
    expect(subIndex("us", pollutant, avg, value, unit)).toMatchObject({ ok: true, aqi });
  });

  it.each([
    ["1-hour ozone below 0.125 ppm", "o3", "1h", 0.1, "ppm", /8-hour/],
    ["8-hour ozone above 0.2 ppm", "o3", "8h", 0.25, "ppm", /1-hour/],
    ["1-hour SO2 above 304 ppb", "so2", "1h", 400, "ppb", /24-hour/],
    ["1-hour CO", "co", "1h", 3, "ppm", /defines no index/],
  ] as const)("gives a reason instead of an index: %s", (_, pollutant, avg, value, unit, reason) => {
    const result = subIndex("us", pollutant, avg, value, unit);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe("VN_WQI (Decision 1460/QĐ-TCMT)", () => {
  it.each(examples.VN_WQI.map((e, i) => [i + 1, e] as const))("worked example %i", (_, example) => {
    const measurements: Record<string, number> = {};
    for (const [name, value] of Object.entries(example.input)) {
      if (typeof value === "object") {
        measurements.do = value.DO_mgL;
        measurements.temperature = value.T_C;
      } else {
        measurements[corpusWater[name] as string] = value;
      }
    }
    const result = waterQualityIndex(measurements);
    if (!result.ok) throw new Error(result.reason);
    expect(result.wqi).toBe(example.WQI);
    for (const [name, expected] of Object.entries(example.subindices)) {
      const key = name === "DO" ? "do_saturation" : (corpusWater[name] as string);
      expect(Math.abs((result.subIndices[key] as number) - expected)).toBeLessThan(0.1);
    }
  });

  it.each([
    ["pH in range", "ph", 7, 100],
    ["pH acid edge", "ph", 5.5, 50],
    ["pH too acid", "ph", 5.4, 10],
    ["pH alkaline", "ph", 8.75, 75],
    ["NH4 jump at 0.3", "nh4", 0.3, 100],
    ["NH4 just above 0.3", "nh4", 0.31, 74.17],
    ["nitrite at the limit", "nitrite", 0.05, 100],
    ["nitrite above", "nitrite", 0.06, 10],
    ["pesticide above its limit", "bhc", 0.03, 10],
    ["DO saturation 100 %", "do_saturation", 100, 100],
    ["DO supersaturated 130 %", "do_saturation", 130, 70],
    ["DO below 20 %", "do_saturation", 15, 10],
  ] as const)("sub-index: %s", (_, parameter, value, expected) => {
    expect(wqiSubIndex(parameter, value)).toBeCloseTo(expected, 2);
  });

  it("uses the decision's oxygen solubility polynomial (9.02 mg/L at 20 °C; tables say 9.09: within 1 %)", () => {
    expect(oxygenSaturationMgL(20)).toBeCloseTo(9.022, 3);
    expect(Math.abs(oxygenSaturationMgL(20) - 9.092) / 9.092).toBeLessThan(0.01);
  });

  it("refuses too few groups with a reason", () => {
    const result = waterQualityIndex({ ph: 7, do: 7, temperature: 27, cod: 8, nh4: 0.1 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/needs 3 of the 5 parameter groups/);
  });

  it("names the worst parameter as dominant and the category in Vietnamese and English", () => {
    const result = waterQualityIndex({ ph: 7, do: 2, temperature: 30, cod: 40, bod5: 20, nh4: 1.5, coliform: 12000 });
    expect(result).toMatchObject({ ok: true, dominant: "coliform", category: { id: "bad", vi: "Kém" } });
  });
});
