// Zone names in the operator's language (the zone files' `name_vi` and `name`), from the zones the
// map loads; a zone not (yet) known is shown by its id.
import { NameBook } from "./name-book.js";

const zones = new NameBook();

/** Takes the names of zones served by /api/v1/zones. */
export function learnZoneNames(features: readonly { id?: unknown; properties?: Record<string, unknown> | null }[]): void {
  zones.learnFeatures(features);
}

export function zoneName(id: string): string {
  return zones.nameOf(id) ?? id;
}
