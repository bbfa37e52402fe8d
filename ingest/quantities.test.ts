import { describe, expect, it } from "vitest";
import { impliedKind, quantities, toCanonical } from "./quantities.js";

describe("toCanonical", () => {
  it.each([
    ["pm25", 35, undefined, 35],
    ["pm25", 0.035, "mg/m3", 35],
    ["pm25", 35, "µg/m3", 35],
    ["no2", 100, "ppb", (100 * 46.0055) / 24.45],
    ["so2", 1, "ppm", (1000 * 64.066) / 24.45],
    ["o3", 50, "ppb", (50 * 47.997) / 24.45],
    ["co", 1, "mg/m3", 1000],
    ["temperature", 300, "K", 26.850000000000023],
    ["temperature", 212, "[degF]", 100],
    ["humidity", 55, "%", 55],
    ["pressure", 101325, "Pa", 1013.25],
    ["wind_speed", 36, "km/h", 10],
    ["conductivity", 1.5, "mS/cm", 1500],
    ["conductivity", 0.15, "S/m", 1500],
    ["salinity", 30, "ppt", 30],
    ["do", 6500, "ug/L", 6.5],
    ["water_level", 150, "cm", 1.5],
  ])("%s %s %s → %s", (name, value, unit, expected) => {
    const result = toCanonical(name, value, unit);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toBeCloseTo(expected, 9);
  });

  it("refuses unknown quantities and units with the accepted list", () => {
    expect(toCanonical("radon", 1, undefined)).toMatchObject({ ok: false, reason: "quantity_unknown" });
    expect(toCanonical("pm25", 1, "ppb")).toMatchObject({ ok: false, reason: "unit_invalid", message: expect.stringContaining("ug/m3") });
    expect(toCanonical("__proto__", 1, undefined)).toMatchObject({ ok: false, reason: "quantity_unknown" });
    expect(toCanonical("pm25", 1, "constructor")).toMatchObject({ ok: false, reason: "unit_invalid" });
  });

  it("lists every canonical unit among the accepted ones", () => {
    for (const [name, q] of Object.entries(quantities)) expect(Object.keys(q.units), name).toContain(q.unit);
  });
});

describe("impliedKind", () => {
  it("tells air from water and leaves shared quantities open", () => {
    expect(impliedKind(["pm25", "temperature"])).toBe("air");
    expect(impliedKind(["ph", "temperature"])).toBe("water");
    expect(impliedKind(["temperature", "battery"])).toBeUndefined();
    expect(impliedKind(["ph", "pm25"])).toBe("mixed");
  });
});
