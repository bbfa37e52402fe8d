// Which zones contain a point, and how far the nearest boundary is. A Flatbush R-tree over the
// bounding boxes of the zones' polygons (each polygon of a MultiPolygon on its own, so a scattered
// zone does not make every point a candidate) picks the candidates, so the cost grows with the zones
// near a point, not with all zones; each candidate is then answered by its cell grid
// (polygon-grid.ts) where the point's cell is wholly inside or outside, and otherwise tested exactly
// with point-in-polygon-hao, the robust test turf's booleanPointInPolygon wraps (same answers, a point
// on an edge or vertex counts as inside), called directly to skip turf's per-call GeoJSON wrapping.
// Distances are geodesic on a sphere (turf's haversine, R = 6,371.0088 km): within about 0.5 % of the
// WGS 84 ellipsoid, i.e. under 0.03 nm at 5 nm.
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { lineString, point } from "@turf/helpers";
import pointToLineDistance from "@turf/point-to-line-distance";
import Flatbush from "flatbush";
import pointInPolygon from "point-in-polygon-hao";
import { PolygonGrid } from "./polygon-grid.js";
import type { Feature, LineString, Position } from "geojson";
import type { Zone } from "./zone.js";

/** One polygon of a zone: its rings, in the index under its own bounding box, with its cell grid. */
interface Part {
  zone: Zone;
  rings: Position[][];
  grid?: PolygonGrid;
}

/** Polygons with fewer vertices are tested directly: the grid would not pay for itself. */
const GRID_MIN_VERTICES = 12;

function ringsBbox(rings: Position[][]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [x, y] of rings[0] ?? []) {
    if ((x as number) < minX) minX = x as number;
    if ((y as number) < minY) minY = y as number;
    if ((x as number) > maxX) maxX = x as number;
    if ((y as number) > maxY) maxY = y as number;
  }
  return [minX, minY, maxX, maxY];
}

export class ZoneIndex {
  private readonly index: Flatbush | undefined;
  private readonly parts: Part[] = [];
  private readonly boundaryLines: Feature<LineString>[];

  constructor(readonly zones: readonly Zone[]) {
    for (const zone of zones) {
      const g = zone.geometry;
      if (g.type === "Polygon") this.parts.push({ zone, rings: g.coordinates });
      else if (g.type === "MultiPolygon") for (const rings of g.coordinates) this.parts.push({ zone, rings });
    }
    if (this.parts.length > 0) {
      this.index = new Flatbush(this.parts.length);
      for (const part of this.parts) {
        const bbox = ringsBbox(part.rings);
        this.index.add(bbox[0], bbox[1], bbox[2], bbox[3]);
        const vertices = part.rings.reduce((n, ring) => n + ring.length, 0);
        // Finer grids for polygons with many vertices (coastline offsets), where an exact test is dear.
        if (vertices >= GRID_MIN_VERTICES)
          part.grid = new PolygonGrid(part.rings, bbox, Math.min(128, Math.max(32, Math.ceil(4 * Math.sqrt(vertices)))));
      }
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
    const pt = [lon, lat];
    const found: Zone[] = [];
    for (const i of this.index.search(lon, lat, lon, lat)) {
      const part = this.parts[i] as Part;
      // false: outside; true: inside; 0: on an edge or vertex, which counts as inside.
      const inside = part.grid ? part.grid.contains(lon, lat) : pointInPolygon(pt, part.rings) !== false;
      if (inside && !found.includes(part.zone)) found.push(part.zone);
    }
    return found;
  }

  /** Ids of the polygon zones containing the point, sorted. */
  containing(lat: number, lon: number): string[] {
    const ids = this.containingZones(lat, lon).map((z) => z.id);
    return ids.length > 1 ? ids.sort() : ids;
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
