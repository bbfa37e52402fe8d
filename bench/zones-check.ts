// Positions/s through the zones check with 1,000 zones (the shipped Huế zones plus generated
// polygons), against the naive loop that tests every zone, in the same run.
import { join } from "node:path";
import type { Feature } from "geojson";
import { packageRoot } from "../hub/package-root.js";
import { loadZones } from "../geofence/zone-files.js";
import { ZoneIndex, containingNaive } from "../geofence/zone-index.js";
import { type Zone, zoneFromFeature } from "../geofence/zone.js";
import { seededRandom } from "../simulators/seeded-random.js";
import type { BenchContext } from "./run.js";
import { type BenchResult, median, result } from "./support/result.js";

const BBOX = [107.0, 15.9, 108.4, 17.0] as const;

/** A small convex 64-gon (counter-clockwise), like the shipped port circles (65 positions each). */
function generatedZone(i: number, random: () => number): Zone {
  const lon = BBOX[0] + random() * (BBOX[2] - BBOX[0]);
  const lat = BBOX[1] + random() * (BBOX[3] - BBOX[1]);
  const radius = 0.005 + random() * 0.05;
  const ring = Array.from({ length: 64 }, (_, k) => {
    const a = (2 * Math.PI * k) / 64;
    return [lon + radius * Math.cos(a), lat + radius * Math.sin(a)];
  });
  ring.push(ring[0] as number[]);
  const feature: Feature = {
    type: "Feature",
    properties: { id: `gen-${i}`, kind: "custom" },
    geometry: { type: "Polygon", coordinates: [ring] },
  };
  return zoneFromFeature(feature);
}

export async function zonesCheck(ctx: BenchContext): Promise<BenchResult[]> {
  const random = seededRandom(7);
  const zones = loadZones(join(packageRoot, "zones"));
  for (let i = zones.length; i < 1000; i++) zones.push(generatedZone(i, random));
  const index = new ZoneIndex(zones);
  const points = (n: number) =>
    Array.from({ length: n }, () => [BBOX[1] + random() * (BBOX[3] - BBOX[1]), BBOX[0] + random() * (BBOX[2] - BBOX[0])] as const);
  const fastPoints = points(ctx.quick ? 50_000 : 200_000);
  const slowPoints = points(ctx.quick ? 500 : 2_000);
  const fast: number[] = [];
  const slow: number[] = [];
  let found = 0;
  for (let r = 0; r < (ctx.quick ? 3 : 5); r++) {
    let t = performance.now();
    for (const [lat, lon] of fastPoints) found += index.containing(lat, lon).length;
    fast.push((fastPoints.length / (performance.now() - t)) * 1000);
    t = performance.now();
    for (const [lat, lon] of slowPoints) found += containingNaive(zones, lat, lon).length;
    slow.push((slowPoints.length / (performance.now() - t)) * 1000);
  }
  ctx.log(
    `  zones check: ${Math.round(median(fast))} positions/s indexed vs ${Math.round(median(slow))} naive (1,000 zones, ${found} hits)`,
  );
  return [
    result("zones-check-1000", "positions/s", median(fast), "naive turf loop over all zones", median(slow), {
      target: ">= 200,000/s and ratio >= 100",
      detail: { zones: zones.length },
    }),
  ];
}
