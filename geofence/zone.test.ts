import type { Feature } from "geojson";
import { describe, expect, it } from "vitest";
import { ZoneIndex } from "./zone-index.js";
import { type ZoneError, zoneFromFeature } from "./zone.js";

const square = (id: string, x0: number, y0: number, size: number, kind = "mpa"): Feature => ({
  type: "Feature",
  properties: { id, name: id, kind },
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [x0, y0],
        [x0 + size, y0],
        [x0 + size, y0 + size],
        [x0, y0 + size],
        [x0, y0],
      ],
    ],
  },
});

/** A 4° square with a 1° square hole (exterior counter-clockwise, hole clockwise). */
const holedFeature: Feature = {
  type: "Feature",
  properties: { id: "holed", kind: "fishing-zone", name: "Holed" },
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [4, 0],
        [4, 4],
        [0, 4],
        [0, 0],
      ],
      [
        [1, 1],
        [1, 2],
        [2, 2],
        [2, 1],
        [1, 1],
      ],
    ],
  },
};

function refusal(feature: Feature): string {
  try {
    zoneFromFeature(feature);
    return "accepted";
  } catch (error) {
    return (error as ZoneError).path;
  }
}

describe("zone validation", () => {
  it.each([
    [
      "an open ring",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      "/geometry/coordinates/0/3",
    ],
    [
      "a clockwise exterior ring",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [0, 1],
            [1, 1],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      "/geometry/coordinates/0",
    ],
    [
      "a counter-clockwise hole",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [2, 1],
            [2, 2],
            [1, 2],
            [1, 1],
          ],
        ],
      },
      "/geometry/coordinates/1",
    ],
    [
      "a bow tie",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [2, 0],
            [0, 2],
            [2, 2],
            [0, 0],
          ],
        ],
      },
      "/geometry/coordinates/0/1",
    ],
    [
      "a self-crossing ring, later",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [2, -1],
            [0, 4],
            [0, 0],
          ],
        ],
      },
      "/geometry/coordinates/0/0",
    ],
    [
      "a position off the Earth",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [200, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      "/geometry/coordinates/0/1",
    ],
    [
      "too few positions",
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      "/geometry/coordinates/0",
    ],
    ["a point", { type: "Point", coordinates: [0, 0] }, "/geometry/type"],
    ["a one-point line", { type: "LineString", coordinates: [[0, 0]] }, "/geometry/coordinates"],
  ])("refuses %s, naming the coordinate", (_name, geometry, path) => {
    expect(refusal({ type: "Feature", properties: { id: "z", kind: "mpa" }, geometry } as Feature)).toBe(path);
  });

  it("refuses a missing id or an unknown kind", () => {
    expect(refusal({ ...square("z", 0, 0, 1), properties: { kind: "mpa" } })).toBe("/properties/id");
    expect(refusal(square("z", 0, 0, 1, "harbour"))).toBe("/properties/kind");
  });

  it("accepts polygons with holes, multipolygons and lines", () => {
    const holed = zoneFromFeature(holedFeature);
    expect(holed.bbox).toEqual([0, 0, 4, 4]);
    expect(holed.name).toBe("Holed");
  });
});

describe("ZoneIndex", () => {
  const holed = zoneFromFeature(holedFeature);
  const multi = zoneFromFeature({
    type: "Feature",
    properties: { id: "multi", kind: "custom" },
    geometry: {
      type: "MultiPolygon",
      coordinates: [
        [
          [
            [10, 10],
            [11, 10],
            [11, 11],
            [10, 11],
            [10, 10],
          ],
        ],
        [
          [
            [12, 10],
            [13, 10],
            [13, 11],
            [12, 11],
            [12, 10],
          ],
        ],
      ],
    },
  });
  const overlap = zoneFromFeature(square("overlap", 3, 3, 2, "mpa"));
  // Along a meridian: a great circle, so the distance from a point beside it is along the parallel.
  const boundary = zoneFromFeature({
    type: "Feature",
    properties: { id: "line", kind: "boundary" },
    geometry: {
      type: "LineString",
      coordinates: [
        [20, 0],
        [20, 10],
      ],
    },
  });
  const index = new ZoneIndex([holed, multi, overlap, boundary]);

  it.each([
    ["inside", 0.5, 0.5, ["holed"]],
    ["in the hole", 1.5, 1.5, []],
    ["on the hole's edge", 1.5, 1, ["holed"]],
    ["on a vertex", 0, 0, ["holed"]],
    ["on an outer edge", 0, 2, ["holed"]],
    ["in two overlapping zones", 3.5, 3.5, ["holed", "overlap"]],
    ["in the second part of a multipolygon", 10.5, 12.5, ["multi"]],
    ["between its parts", 10.5, 11.5, []],
    ["far away", 50, 50, []],
  ])("%s", (_name, lat, lon, expected) => {
    expect(index.containing(lat as number, lon as number)).toEqual(expected);
  });

  it("measures the geodesic distance to the nearest boundary in nautical miles", () => {
    // One degree of longitude at 5° N is 60 × cos 5° ≈ 59.77 nm on turf's sphere (R = 6,371.0088 km).
    expect(index.nearestBoundaryNm(5, 19)).toBeCloseTo(59.8, 1);
    expect(index.nearestBoundaryNm(5, 20)).toBeCloseTo(0, 5);
    expect(new ZoneIndex([holed]).nearestBoundaryNm(0, 0)).toBeNull();
  });
});
