import { Point } from "@influxdata/influxdb-client";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../simulators/seeded-random.js";
import { FieldKeys } from "./field-keys.js";

/** The fields part of the line Point itself writes for these number fields. */
function pointFields(values: Record<string, number>): string {
  const point = new Point("m");
  for (const [name, value] of Object.entries(values)) point.floatField(name, value);
  const line = point.toLineProtocol({ convertTime: () => undefined }) ?? "m ";
  return line.slice(2);
}

describe("FieldKeys", () => {
  it("escapes a key as Point does, once per name", () => {
    const keys = new FieldKeys();
    expect(keys.key("pm25")).toBe("pm25");
    expect(keys.key("wind speed,gust=max")).toBe("wind\\ speed\\,gust\\=max");
    expect(keys.key("wind speed,gust=max")).toBe("wind\\ speed\\,gust\\=max");
  });

  it.each([
    [{ pm25: 38 }],
    [{ temperature: 24.5, pm25: 38 }],
    [{ pm10: 1e-7, co: 1e21, no2: -0, so2: -1.5e-300, o3: 123456789012345680000 }],
    [{ "a b": 1, "a,b": 2, "a=b": 3, "Độ mặn": 4, "": 5 }],
    [{ z: 1, a: 2, M: 3, _: 4, "0": 5 }],
  ])("writes the fields of %j exactly as Point does", (values) => {
    expect(new FieldKeys().numberFields(values)).toBe(pointFields(values));
  });

  it("agrees with Point on random names and values", () => {
    const random = seededRandom(7);
    const alphabet = 'ab Z,=\\"_.-9é';
    const keys = new FieldKeys(8); // a small cache, so that it also starts again on the way
    for (let i = 0; i < 2000; i++) {
      const values: Record<string, number> = {};
      const count = 1 + Math.floor(random() * 20); // past 16 names the built-in sort takes over
      for (let f = 0; f < count; f++) {
        let name = "";
        const length = 1 + Math.floor(random() * 6);
        for (let c = 0; c < length; c++) name += alphabet[Math.floor(random() * alphabet.length)];
        values[name] = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      }
      expect(keys.numberFields(values)).toBe(pointFields(values));
    }
  });

  it("refuses a value that is not finite, with Point's message", () => {
    const keys = new FieldKeys();
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => keys.numberFields({ pm25: value })).toThrow(/invalid float value for field 'pm25'/);
      expect(() => new Point("m").floatField("pm25", value)).toThrow(/invalid float value for field 'pm25'/);
    }
  });
});
