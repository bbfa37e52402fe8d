// Hourly and daily indices of a station computed from its readings, as the hub publishes them.
import { describe, expect, it } from "vitest";
import type { SensorReading } from "../../ingest/observation.js";
import { type IndexValue, StationIndices } from "./station-indices.js";

const HOUR = 3_600_000;
// 2026-11-23 00:00 in Huế is 2026-11-22 17:00 UTC.
const LOCAL_MIDNIGHT = Date.parse("2026-11-22T17:00:00Z");

const reading = (station: string, timeMs: number, values: Record<string, number>, kind: "air" | "water" = "air"): SensorReading => ({
  type: "sensor_reading",
  station,
  kind,
  source: "mqtt",
  timeMs,
  values,
});

describe("station indices", () => {
  it("publishes the hourly VN_AQI and US AQI when the station's hour ends, PM by NowCast", () => {
    const out: IndexValue[] = [];
    const indices = new StationIndices((v) => out.push(v));
    // Four readings an hour for three hours, then one reading in the fourth hour closes the third.
    for (let h = 0; h < 3; h++)
      for (let q = 0; q < 4; q++) indices.observe(reading("aq-1", LOCAL_MIDNIGHT + h * HOUR + q * 900_000, { pm25: 37.5, no2: 150 }));
    indices.observe(reading("aq-1", LOCAL_MIDNIGHT + 3 * HOUR + 60_000, { pm25: 10 }));
    const third = out.filter((v) => v.timeMs === LOCAL_MIDNIGHT + 3 * HOUR);
    expect(third.map((v) => [v.index, v.period, v.value, v.category.id, v.dominant])).toEqual([
      ["vn_aqi", "1h", 75, "moderate", "pm25/1h"],
      ["us_aqi", "1h", 106, "unhealthy_for_sensitive_groups", "pm25/1h"],
    ]);
    // The first hour has no NowCast yet (needs 2 of the 3 latest hours): no VN_AQI.
    expect(out.filter((v) => v.timeMs === LOCAL_MIDNIGHT + HOUR && v.index === "vn_aqi")).toEqual([]);
  });

  it("leaves out the values the sensor-health rules found to be no measurement", () => {
    const out: IndexValue[] = [];
    const indices = new StationIndices((v) => out.push(v));
    for (let h = 0; h < 3; h++) {
      for (let q = 0; q < 4; q++) indices.observe(reading("aq-1", LOCAL_MIDNIGHT + h * HOUR + q * 900_000, { pm25: 37.5, no2: 150 }));
      // A sensor fault in each hour: 1,900 µg/m³ (in range, but stuck there) would take the hour's mean to ~410.
      indices.observe({ ...reading("aq-1", LOCAL_MIDNIGHT + h * HOUR + 3_000_000, { pm25: 1900, no2: 150 }), unmeasured: ["pm25"] });
    }
    indices.observe(reading("aq-1", LOCAL_MIDNIGHT + 3 * HOUR + 60_000, { pm25: 10 }));
    const third = out.filter((v) => v.timeMs === LOCAL_MIDNIGHT + 3 * HOUR);
    expect(third.map((v) => [v.index, v.value, v.dominant])).toEqual([
      ["vn_aqi", 75, "pm25/1h"],
      ["us_aqi", 106, "pm25/1h"],
    ]);
  });

  it("publishes the daily AQI at the end of the local day from 24-hour PM means", () => {
    const out: IndexValue[] = [];
    const indices = new StationIndices((v) => out.push(v));
    for (let h = 0; h < 24; h++) indices.observe(reading("aq-1", LOCAL_MIDNIGHT + h * HOUR + 600_000, { pm25: h < 12 ? 20 : 30 }));
    indices.observe(reading("aq-1", LOCAL_MIDNIGHT + 24 * HOUR + 600_000, { pm25: 30 }));
    const daily = out.filter((v) => v.period === "24h");
    expect(daily.map((v) => [v.index, v.timeMs, v.value])).toEqual([
      ["vn_aqi", LOCAL_MIDNIGHT + 24 * HOUR, 50],
      ["us_aqi", LOCAL_MIDNIGHT + 24 * HOUR, 81],
    ]);
  });

  it("publishes VN_WQI for a water station with enough parameter groups, and ignores late readings", () => {
    const out: IndexValue[] = [];
    const indices = new StationIndices((v) => out.push(v));
    const values = { ph: 6.8, do: 5.5, temperature: 29, bod5: 8, cod: 18, nh4: 0.45, po4: 0.15, coliform: 6000, salinity: 12 };
    indices.observe(reading("wq-1", LOCAL_MIDNIGHT + 600_000, values, "water"));
    indices.observe(reading("wq-1", LOCAL_MIDNIGHT + HOUR + 600_000, values, "water"));
    indices.observe(reading("wq-1", LOCAL_MIDNIGHT + 300_000, { ph: 3 }, "water"));
    expect(out.map((v) => [v.index, v.value, v.category.id])).toEqual([["vn_wqi", 70, "moderate"]]);
  });

  it("keeps its hourly history across a restart", () => {
    const out: IndexValue[] = [];
    const first = new StationIndices(() => {});
    for (let h = 0; h < 2; h++) first.observe(reading("aq-1", LOCAL_MIDNIGHT + h * HOUR, { pm25: 37.5 }));
    const saved = JSON.parse(JSON.stringify(first.takeChanges())) as [string, unknown][];
    const second = new StationIndices((v) => out.push(v));
    second.restore(saved);
    second.observe(reading("aq-1", LOCAL_MIDNIGHT + 2 * HOUR, { pm25: 37.5 }));
    expect(out.map((v) => [v.index, v.value])).toEqual([
      ["vn_aqi", 75],
      ["us_aqi", 106],
    ]);
  });
});
