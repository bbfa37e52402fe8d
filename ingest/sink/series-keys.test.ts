import { Point } from "@influxdata/influxdb-client";
import { describe, expect, it } from "vitest";
import { SeriesKeys } from "./series-keys.js";

const station = (id: string, kind: string, source: string) => () =>
  new Point("env_reading").tag("station", id).tag("kind", kind).tag("source", source);

describe("SeriesKeys", () => {
  it.each([
    ["hue-air-01", "air", "mqtt", "env_reading,kind=air,source=mqtt,station=hue-air-01"],
    ["a b,c=d", "water", "serial", "env_reading,kind=water,source=serial,station=a\\ b\\,c\\=d"],
    ["probe=0 x", "air", "tcp", "env_reading,kind=air,source=tcp,station=probe\\=0\\ x"],
  ])("serialises %j's tags as Point does", (id, kind, source, expected) => {
    expect(new SeriesKeys().get(id, `${kind}|${source}`, station(id, kind, source))).toBe(expected);
  });

  it("builds a series once and reuses it", () => {
    const keys = new SeriesKeys();
    let built = 0;
    const tagged = () => {
      built++;
      return station("s1", "air", "mqtt")();
    };
    const first = keys.get("s1", "air|mqtt", tagged);
    expect(keys.get("s1", "air|mqtt", tagged)).toBe(first);
    expect(built).toBe(1);
    expect(keys.get("s1", "air|serial", station("s1", "air", "serial"))).toBe("env_reading,kind=air,source=serial,station=s1");
    expect(keys.size).toBe(2);
  });

  it("starts again past its bound of subjects", () => {
    const keys = new SeriesKeys(3);
    for (const id of ["a", "b", "c"]) keys.get(id, "", station(id, "air", "mqtt"));
    expect(keys.size).toBe(3);
    expect(keys.get("d", "", station("d", "air", "mqtt"))).toBe("env_reading,kind=air,source=mqtt,station=d");
    expect(keys.size).toBe(1);
  });
});
