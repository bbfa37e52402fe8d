import { describe, expect, it } from "vitest";
import { lineTimestamp, toLineProtocol } from "./line-protocol.js";

describe("toLineProtocol", () => {
  it("writes env_reading with station, kind and source tags, float fields and a ms timestamp", () => {
    const line = toLineProtocol({
      type: "sensor_reading",
      station: "hue-air-01",
      kind: "air",
      source: "mqtt",
      timeMs: 1795392000123,
      values: { pm25: 38, temperature: 24.5 },
    });
    expect(line).toBe("env_reading,kind=air,source=mqtt,station=hue-air-01 pm25=38,temperature=24.5 1795392000123");
    expect(lineTimestamp(line)).toBe(1795392000123);
  });

  it("escapes tag values", () => {
    const line = toLineProtocol({
      type: "sensor_reading",
      station: "a b,c=d",
      kind: "water",
      source: "serial",
      timeMs: 1,
      values: { ph: 7 },
    });
    expect(line).toBe("env_reading,kind=water,source=serial,station=a\\ b\\,c\\=d ph=7 1");
  });
});
