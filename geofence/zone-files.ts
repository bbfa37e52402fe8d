// Zones from GeoJSON files: one file (a FeatureCollection or a Feature) or every *.geojson/*.json file
// of a folder. Refuses the whole set, naming the file and coordinate, when one zone is invalid or two
// share an id.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Feature, FeatureCollection } from "geojson";
import { type Zone, ZoneError, zoneFromFeature } from "./zone.js";

export function loadZones(path: string): Zone[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => /\.(geo)?json$/i.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const zones: Zone[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let doc: FeatureCollection | Feature;
    try {
      doc = JSON.parse(readFileSync(file, "utf8")) as FeatureCollection | Feature;
    } catch (error) {
      throw new ZoneError(`not JSON: ${(error as Error).message}`, file);
    }
    const features = doc.type === "FeatureCollection" ? doc.features : [doc];
    features.forEach((feature, i) => {
      const zone = zoneFromFeature(feature, `${file}#/features/${i}`);
      const other = seen.get(zone.id);
      if (other) throw new ZoneError(`zone id "${zone.id}" is also in ${other}`, `${file}#/features/${i}/properties/id`);
      seen.set(zone.id, file);
      zones.push(zone);
    });
  }
  return zones;
}
