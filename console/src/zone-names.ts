// Zone names in the operator's language (the zone files' `name_vi` and `name`), from the zones the
// map loads; a zone not (yet) known is shown by its id.
import { currentLanguage } from "./i18n.js";

const names = new Map<string, { vi?: string; en?: string }>();

/** Takes the names of zones served by /api/v1/zones. */
export function learnZoneNames(features: readonly { id?: unknown; properties?: Record<string, unknown> | null }[]): void {
  for (const f of features) {
    const id = String(f.properties?.id ?? f.id ?? "");
    if (!id) continue;
    const vi = f.properties?.name_vi;
    const en = f.properties?.name;
    names.set(id, { ...(typeof vi === "string" && { vi }), ...(typeof en === "string" && { en }) });
  }
}

export function zoneName(id: string): string {
  const known = names.get(id);
  return (currentLanguage() === "vi" ? (known?.vi ?? known?.en) : (known?.en ?? known?.vi)) ?? id;
}
