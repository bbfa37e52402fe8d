import { Point } from "@influxdata/influxdb-client";
import { describe, expect, it } from "vitest";
import { SeriesKeys } from "./series-keys.js";

const station = (id: string, kind: string, source: string) =>
  new Point("env_reading").tag("station", id).tag("kind", kind).tag("source", source);

describe("SeriesKeys", () => {
  it.each([
    ["hue-air-01", "air", "mqtt", "env_reading,kind=air,source=mqtt,station=hue-air-01"],
    ["a b,c=d", "water", "serial", "env_reading,kind=water,source=serial,station=a\\ b\\,c\\=d"],
    ["probe=0 x", "air", "tcp", "env_reading,kind=air,source=tcp,station=probe\\=0\\ x"],
  ])("serialises %j's tags as Point does", (id, kind, source, expected) => {
    const keys = new SeriesKeys();
    expect(keys.get(id, `${kind}|${source}`)).toBeUndefined();
    expect(keys.add(id, `${kind}|${source}`, station(id, kind, source))).toBe(expected);
    expect(keys.get(id, `${kind}|${source}`)).toBe(expected);
  });

  it("keeps a key per subject and per rest of the tags", () => {
    const keys = new SeriesKeys();
    keys.add("s1", "air|mqtt", station("s1", "air", "mqtt"));
    keys.add("s1", "air|serial", station("s1", "air", "serial"));
    expect(keys.get("s1", "air|mqtt")).toBe("env_reading,kind=air,source=mqtt,station=s1");
    expect(keys.get("s1", "air|serial")).toBe("env_reading,kind=air,source=serial,station=s1");
    expect(keys.get("s2", "air|mqtt")).toBeUndefined();
    expect(keys.size).toBe(2);
  });

  it("starts again past its bound of subjects", () => {
    const keys = new SeriesKeys(3);
    for (const id of ["a", "b", "c"]) keys.add(id, "", station(id, "air", "mqtt"));
    expect(keys.size).toBe(3);
    expect(keys.add("d", "", station("d", "air", "mqtt"))).toBe("env_reading,kind=air,source=mqtt,station=d");
    expect(keys.size).toBe(1);
    expect(keys.get("a", "")).toBeUndefined();
  });
});
