import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.js";
import { packageRoot } from "./package-root.js";
import { StationsFileError, loadStations } from "./stations-file.js";

const point = (id: string, lon = 107.6, lat = 16.4, extra: Record<string, unknown> = {}) => ({
  type: "Feature",
  ...extra,
  properties: { id, name: `Station ${id}`, kind: "air_auto" },
  geometry: { type: "Point", coordinates: [lon, lat] },
});

describe("stations file", () => {
  const dir = tempDir("stations-file");
  afterAll(() => dir.remove());
  const write = (features: unknown[]) => {
    const file = join(dir.path, `s-${Math.random()}.geojson`);
    writeFileSync(file, JSON.stringify({ type: "FeatureCollection", features }));
    return file;
  };

  it("loads the shipped stations, each with its id on the feature", () => {
    const stations = loadStations(join(packageRoot, "dashboards", "maps", "ioc-stations.geojson"));
    expect(stations.length).toBeGreaterThanOrEqual(7);
    for (const s of stations) expect(s.id).toBe(s.properties.id);
  });

  it.each([
    [[point("aq-a"), point("aq-a")], "/features/1: station aq-a is listed twice"],
    [[point("aq-a", 107.6, 16.4, { id: "aq-b" })], '/features/0: id "aq-b" is not properties.id "aq-a"'],
    [[point("aq-a", 16.4, 107.6)], "/features/0/geometry/coordinates/1: must be <= 90"],
    [[{ ...point("aq-a"), properties: { id: "aq-a" } }], "/features/0/properties: must have required property 'name'"],
    [[{ ...point("aq-a"), geometry: { type: "Polygon", coordinates: [] } }], "/features/0/geometry/type: must be equal to constant"],
    [[point("bad id")], "/features/0/properties/id: must match pattern"],
  ])("refuses %j naming the feature", (features, message) => {
    const file = write(features);
    expect(() => loadStations(file)).toThrow(StationsFileError);
    expect(() => loadStations(file)).toThrow(message);
  });

  it("says when the file is not JSON", () => {
    const file = join(dir.path, "broken.geojson");
    writeFileSync(file, "{ not json");
    expect(() => loadStations(file)).toThrow(/^stations file .*broken\.geojson: /);
  });
});
