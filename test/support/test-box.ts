// The square the zone and rule tests draw around (107.9–108.0 E, 16.5–16.6 N, off the Huế coast),
// as a GeoJSON Feature with the properties each test gives it.
import type { Feature, Polygon } from "geojson";

export function testBox(properties: Record<string, unknown>): Feature<Polygon> {
  return {
    type: "Feature",
    properties,
    geometry: {
      type: "Polygon",
      coordinates: [
        [
          [107.9, 16.5],
          [108.0, 16.5],
          [108.0, 16.6],
          [107.9, 16.6],
          [107.9, 16.5],
        ],
      ],
    },
  };
}
