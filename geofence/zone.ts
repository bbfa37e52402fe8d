// A zone: a GeoJSON Feature (Polygon or MultiPolygon with holes, or a LineString boundary) with an id,
// a name and a kind, checked before use: closed rings, RFC 7946 winding (exterior rings
// counter-clockwise, holes clockwise), no self-intersection, coordinates in range. Every refusal names
// the failing coordinate.
import type { Feature, LineString, MultiPolygon, Polygon, Position } from "geojson";

export const zoneKinds = ["mpa", "port", "fishing-zone", "boundary", "custom"] as const;
export type ZoneKind = (typeof zoneKinds)[number];

export interface Zone {
  id: string;
  name: string;
  kind: ZoneKind;
  geometry: Polygon | MultiPolygon | LineString;
  /** Everything else in the feature's properties (rule parameters, provenance). */
  properties: Record<string, unknown>;
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
}

export class ZoneError extends Error {
  override name = "ZoneError";
  constructor(
    message: string,
    /** JSON pointer of the failing coordinate or property. */
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Twice the signed area (shoelace): positive for counter-clockwise rings in lon/lat. */
function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return sum;
}

function orientation(a: Position, b: Position, c: Position): number {
  const v =
    ((b[1] as number) - (a[1] as number)) * ((c[0] as number) - (b[0] as number)) -
    ((b[0] as number) - (a[0] as number)) * ((c[1] as number) - (b[1] as number));
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}

function onSegment(a: Position, b: Position, c: Position): boolean {
  return (
    Math.min(a[0] as number, c[0] as number) <= (b[0] as number) &&
    (b[0] as number) <= Math.max(a[0] as number, c[0] as number) &&
    Math.min(a[1] as number, c[1] as number) <= (b[1] as number) &&
    (b[1] as number) <= Math.max(a[1] as number, c[1] as number)
  );
}

export function segmentsIntersect(p1: Position, q1: Position, p2: Position, q2: Position): boolean {
  const o1 = orientation(p1, q1, p2);
  const o2 = orientation(p1, q1, q2);
  const o3 = orientation(p2, q2, p1);
  const o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p1, p2, q1)) ||
    (o2 === 0 && onSegment(p1, q2, q1)) ||
    (o3 === 0 && onSegment(p2, p1, q2)) ||
    (o4 === 0 && onSegment(p2, q1, q2))
  );
}

/** Index of the first vertex whose outgoing edge crosses a non-adjacent edge of the same ring, or -1. */
export function selfIntersection(ring: Position[]): number {
  const n = ring.length - 1; // edges
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // first and last edges share the closing vertex
      if (segmentsIntersect(ring[i] as Position, ring[i + 1] as Position, ring[j] as Position, ring[j + 1] as Position)) return i;
    }
  }
  return -1;
}

function checkPositions(positions: Position[], path: string): void {
  positions.forEach((p, i) => {
    const [lon, lat] = p as [number, number];
    if (p.length < 2 || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      throw new ZoneError(`[${p.join(", ")}] is not a WGS 84 position`, `${path}/${i}`);
    }
  });
}

function checkPolygon(rings: Position[][], path: string): void {
  if (rings.length === 0) throw new ZoneError("a polygon needs an exterior ring", path);
  rings.forEach((ring, r) => {
    const ringPath = `${path}/${r}`;
    checkPositions(ring, ringPath);
    if (ring.length < 4) throw new ZoneError(`a ring needs at least 4 positions, has ${ring.length}`, ringPath);
    const first = ring[0] as Position;
    const last = ring[ring.length - 1] as Position;
    if (first[0] !== last[0] || first[1] !== last[1])
      throw new ZoneError("the ring is not closed (last position ≠ first)", `${ringPath}/${ring.length - 1}`);
    // Self-intersection first: a crossing ring has no meaningful winding.
    const at = selfIntersection(ring);
    if (at >= 0) throw new ZoneError("the ring intersects itself at the edge starting here", `${ringPath}/${at}`);
    const area = signedArea(ring);
    if (area === 0) throw new ZoneError("the ring has no area", ringPath);
    if (r === 0 && area < 0) throw new ZoneError("the exterior ring is clockwise; RFC 7946 §3.1.6 wants counter-clockwise", ringPath);
    if (r > 0 && area > 0) throw new ZoneError("a hole is counter-clockwise; RFC 7946 §3.1.6 wants clockwise", ringPath);
  });
}

function bboxOf(positions: Position[]): [number, number, number, number] {
  let minLon = 180;
  let minLat = 90;
  let maxLon = -180;
  let maxLat = -90;
  for (const [lon, lat] of positions as [number, number][]) {
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** Checks a GeoJSON feature and returns the zone; throws ZoneError naming what is wrong. */
export function zoneFromFeature(feature: Feature, path = ""): Zone {
  const properties = (feature.properties ?? {}) as Record<string, unknown>;
  const id = properties.id ?? feature.id;
  if (typeof id !== "string" || !ID.test(id))
    throw new ZoneError(`zone id ${JSON.stringify(id)} must match ${ID}`, `${path}/properties/id`);
  const kind = properties.kind;
  if (typeof kind !== "string" || !zoneKinds.includes(kind as ZoneKind)) {
    throw new ZoneError(`kind must be one of ${zoneKinds.join(", ")}`, `${path}/properties/kind`);
  }
  const geometry = feature.geometry;
  const geomPath = `${path}/geometry/coordinates`;
  let positions: Position[];
  if (geometry?.type === "Polygon") {
    checkPolygon(geometry.coordinates, geomPath);
    positions = geometry.coordinates.flat();
  } else if (geometry?.type === "MultiPolygon") {
    geometry.coordinates.forEach((polygon, i) => {
      checkPolygon(polygon, `${geomPath}/${i}`);
    });
    positions = geometry.coordinates.flat(2);
  } else if (geometry?.type === "LineString") {
    checkPositions(geometry.coordinates, geomPath);
    if (geometry.coordinates.length < 2) throw new ZoneError("a line needs at least 2 positions", geomPath);
    positions = geometry.coordinates;
  } else {
    throw new ZoneError(`geometry ${geometry?.type ?? "null"} is not a Polygon, MultiPolygon or LineString`, `${path}/geometry/type`);
  }
  const { id: _id, name, kind: _kind, ...rest } = properties;
  return { id, name: typeof name === "string" ? name : id, kind: kind as ZoneKind, geometry, properties: rest, bbox: bboxOf(positions) };
}
