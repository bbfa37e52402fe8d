// Land, from a land polygon file (shared/corpus/geo/hue-coast.geojson: Natural Earth 1:10m, coastline
// good to a few hundred metres). "On land" means inside the land polygon by more than the coastline's
// accuracy (`toleranceKm`, default 1 km) and not inside a zone that is water although the coarse
// polygon calls it land (lagoons: `custom` zones with category `lagoon`; ports). The distance to shore
// is local-equirectangular (local-distance.ts: within 0.5 % up to 100 km), because it runs for every
// slow fix at sea.
import { readFileSync } from "node:fs";
import booleanPointInPolygon from "@turf/boolean-point-in-polygon";
import { point } from "@turf/helpers";
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from "geojson";
import { distanceToLinesM } from "./local-distance.js";
import type { LandView } from "./rules/vessel-rule.js";
import type { ZoneIndex } from "./zone-index.js";

const NM_PER_KM = 1 / 1.852;
export class Land implements LandView {
  private readonly shores: Position[][];

  constructor(
    private readonly polygons: Feature<Polygon | MultiPolygon>[],
    private readonly zones: () => ZoneIndex,
    private readonly toleranceKm = 1,
  ) {
    this.shores = polygons.flatMap((f) => {
      const rings = f.geometry.type === "Polygon" ? f.geometry.coordinates : f.geometry.coordinates.flat();
      return rings;
    });
  }

  static fromFile(file: string, zones: () => ZoneIndex): Land {
    const collection = JSON.parse(readFileSync(file, "utf8")) as FeatureCollection;
    const polygons = collection.features.filter(
      (f): f is Feature<Polygon | MultiPolygon> => f.geometry?.type === "Polygon" || f.geometry?.type === "MultiPolygon",
    );
    if (polygons.length === 0) throw new Error(`${file} has no land polygon`);
    return new Land(polygons, zones);
  }

  private inPolygon(lat: number, lon: number): boolean {
    const pt = point([lon, lat]);
    return this.polygons.some((f) => booleanPointInPolygon(pt, f.geometry));
  }

  distanceToShoreNm(lat: number, lon: number): number {
    return (distanceToLinesM(lat, lon, this.shores) / 1000) * NM_PER_KM;
  }

  onLand(lat: number, lon: number): boolean {
    if (!this.inPolygon(lat, lon)) return false;
    if (
      this.zones()
        .containingZones(lat, lon)
        .some((z) => z.kind === "port" || (z.kind === "custom" && z.properties.category === "lagoon"))
    )
      return false;
    return this.distanceToShoreNm(lat, lon) / NM_PER_KM > this.toleranceKm;
  }
}
