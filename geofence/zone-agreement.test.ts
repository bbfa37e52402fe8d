// The index (R-tree, then exact tests) against every zone tested one by one, on 10,000 random points
// over the shipped Huế zones: they must agree everywhere.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../hub/package-root.js";
import { loadZones } from "./zone-files.js";
import { ZoneIndex, containingNaive } from "./zone-index.js";

describe("zone index against the naive loop", () => {
  const zones = loadZones(join(packageRoot, "zones"));
  const index = new ZoneIndex(zones);

  it("loads the shipped zone set", () => {
    expect(zones.map((z) => z.kind).sort()).toEqual([
      "boundary",
      "custom",
      "fishing-zone",
      "fishing-zone",
      "fishing-zone",
      "mpa",
      "port",
      "port",
      "port",
      "port",
      "port",
    ]);
  });

  it("agrees on 10,000 random points over the province", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) % 4294967296;
      return seed / 4294967296;
    };
    const [minLon, minLat, maxLon, maxLat] = [107.0, 15.9, 108.4, 17.0];
    let inside = 0;
    for (let i = 0; i < 10_000; i++) {
      const lat = minLat + random() * (maxLat - minLat);
      const lon = minLon + random() * (maxLon - minLon);
      const fast = index.containing(lat, lon);
      expect(fast).toEqual(containingNaive(zones, lat, lon));
      if (fast.length > 0) inside++;
    }
    expect(inside).toBeGreaterThan(1000);
  });
});
