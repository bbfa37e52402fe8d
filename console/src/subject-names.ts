// Names of the alerts' subjects — stations (`name_vi`/`name` of the station list) and registered
// vessels (the register's name) — so that an operator reads "Trạm quan trắc … (aq-donre-hue)" or
// "Phú Thuận 01 (TTH-90123-TS)" rather than an id alone. Unknown subjects (feeds, unregistered
// transmitters, a vessel the role may not read) are shown by their id.
import { NameBook } from "./name-book.js";

const subjects = new NameBook();

/** Takes the stations served by /api/v1/stations. */
export function learnStationNames(features: readonly { id?: unknown; properties?: Record<string, unknown> | null }[]): void {
  subjects.learnFeatures(features);
}

/** Takes vessels of the register (/api/v1/vessels, /api/v1/vessels/{id}): a ship's name is the same in both languages. */
export function learnVesselNames(vessels: readonly { id: string; name?: string }[]): void {
  for (const v of vessels) subjects.learn(v.id, v.name, v.name);
}

export function subjectName(id: string): string | undefined {
  return subjects.nameOf(id);
}

/** "name (id)", or the id alone. */
export function subjectLabel(id: string): string {
  const name = subjects.nameOf(id);
  return name ? `${name} (${id})` : id;
}
