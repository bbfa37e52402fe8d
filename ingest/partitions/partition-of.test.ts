import { describe, expect, it } from "vitest";
import { fnv1a32, parseOwnedPartitions, partitionOf, subjectOf } from "./partition-of.js";

describe("fnv1a32", () => {
  // Reference values of FNV-1a 32 (draft-eastlake-fnv test vectors).
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("%j → %s", (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });
});

describe("partitionOf", () => {
  it("puts a subject always in the same partition, and spreads subjects evenly", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const p = partitionOf(`vessel:TTH-${90_000 + i}-TS`, 4);
      counts[p] = (counts[p] ?? 0) + 1;
      expect(partitionOf(`vessel:TTH-${90_000 + i}-TS`, 4)).toBe(p);
    }
    for (const n of counts) expect(Math.abs(n - 2500)).toBeLessThan(250);
    expect(partitionOf("station:anything", 1)).toBe(0);
  });

  it("keys a station's readings by station and a vessel's fixes and static data by vessel", () => {
    expect(subjectOf({ type: "sensor_reading", station: "hue-air-01", kind: "air", source: "mqtt", timeMs: 0, values: {} })).toBe(
      "station:hue-air-01",
    );
    const fix = { type: "vessel_position", vessel: "TTH-90123-TS", source: "ais", timeMs: 0, lat: 16.5, lon: 107.6 } as const;
    expect(subjectOf(fix)).toBe("vessel:TTH-90123-TS");
    expect(subjectOf({ type: "vessel_static", vessel: "TTH-90123-TS", mmsi: 574000001, timeMs: 0 })).toBe("vessel:TTH-90123-TS");
  });
});

describe("parseOwnedPartitions", () => {
  it.each([
    ["all", 3, [0, 1, 2]],
    ["1", 4, [1]],
    ["0-3,8", 16, [0, 1, 2, 3, 8]],
    ["2,2,1-2", 4, [1, 2]],
  ])("%s of %i → %j", (spec, partitions, owned) => {
    expect([...parseOwnedPartitions(spec, partitions)].sort((a, b) => a - b)).toEqual(owned);
  });
  it.each([
    ["4", 4, /partition 4 is not below rules.partitions \(4\)/],
    ["3-1", 4, /runs backwards/],
  ])("refuses %s of %i", (spec, partitions, message) => {
    expect(() => parseOwnedPartitions(spec, partitions)).toThrow(message);
  });
});
