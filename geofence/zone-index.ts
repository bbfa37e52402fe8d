// Which zones contain a point, and how far the nearest boundary is. A Flatbush R-tree over the zones'
// bounding boxes picks the candidates, so the cost grows with the zones near a point, not with all
// zones; turf then tests each candidate exactly (a point on an edge or vertex counts as inside).
// Distances are geodesic on a sphere (turf's haversine, R = 6,371.0088 km): within about 0.5 % of the
// WGS 84 ellipsoid, i.e. under 0.03 nm at 5 nm.
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { lineString, point } from "@turf/helpers";
import pointToLineDistance from "@turf/point-to-line-distance";
import Flatbush from "flatbush";
import type { Feature, LineString, Position } from "geojson";
import type { Zone } from "./zone.js";

export class ZoneIndex {
  private readonly index: Flatbush | undefined;
  private readonly boundaryLines: Feature<LineString>[];

  constructor(readonly zones: readonly Zone[]) {
    if (zones.length > 0) {
      this.index = new Flatbush(zones.length);
      for (const z of zones) this.index.add(z.bbox[0], z.bbox[1], z.bbox[2], z.bbox[3]);
      this.index.finish();
    }
    // A boundary is a `boundary` zone: a line, or the rings of a polygon drawn as one.
    this.boundaryLines = zones
      .filter((z) => z.kind === "boundary")
      .flatMap((z) => {
        const g = z.geometry;
        const lines: Position[][] = g.type === "LineString" ? [g.coordinates] : g.type === "Polygon" ? g.coordinates : g.coordinates.flat();
        return lines.map((coords) => lineString(coords, { zone: z.id }));
      });
  }

  /** The polygon zones containing the point; a point on an edge is inside. */
  containingZones(lat: number, lon: number): Zone[] {
    if (!this.index) return [];
    const pt = point([lon, lat]);
    const found: Zone[] = [];
    for (const i of this.index.search(lon, lat, lon, lat)) {
      const zone = this.zones[i] as Zone;
      if (zone.geometry.type === "LineString") continue;
      if (booleanPointInPolygon(pt, zone.geometry)) found.push(zone);
    }
    return found;
  }

  /** Ids of the polygon zones containing the point, sorted. */
  containing(lat: number, lon: number): string[] {
    return this.containingZones(lat, lon)
      .map((z) => z.id)
      .sort();
  }

  /** The boundary lines (a `boundary` zone's line, or its rings), with their zone ids. */
  get boundaries(): readonly Feature<LineString>[] {
    return this.boundaryLines;
  }

  /** Geodesic distance in nautical miles to the nearest boundary line, or null when there is none. */
  nearestBoundaryNm(lat: number, lon: number): number | null {
    if (this.boundaryLines.length === 0) return null;
    const pt = point([lon, lat]);
    let best = Number.POSITIVE_INFINITY;
    for (const line of this.boundaryLines) {
      const d = pointToLineDistance(pt, line, { units: "nauticalmiles", method: "geodesic" });
      if (d < best) best = d;
    }
    return best;
  }
}

/** The same answer without the index: every zone tested. The reference for the agreement test and the benchmark. */
export function containingNaive(zones: readonly Zone[], lat: number, lon: number): string[] {
  const pt = point([lon, lat]);
  return zones
    .filter((z) => z.geometry.type !== "LineString" && booleanPointInPolygon(pt, z.geometry as Exclude<Zone["geometry"], LineString>))
    .map((z) => z.id)
    .sort();
}
