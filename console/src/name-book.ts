// Names of things the hub knows by id (zones, stations, vessels), in the operator's language: the
// Vietnamese name where there is one, else the English, and the other way round; unknown ids stay ids.
import { currentLanguage } from "./i18n.js";

export class NameBook {
  private readonly names = new Map<string, { vi?: string; en?: string }>();

  learn(id: string, vi: unknown, en: unknown): void {
    if (!id) return;
    this.names.set(id, { ...(typeof vi === "string" && vi && { vi }), ...(typeof en === "string" && en && { en }) });
  }

  /** Learns GeoJSON features with `id`, `name_vi` and `name` properties (zones, stations). */
  learnFeatures(features: readonly { id?: unknown; properties?: Record<string, unknown> | null }[]): void {
    for (const f of features) this.learn(String(f.properties?.id ?? f.id ?? ""), f.properties?.name_vi, f.properties?.name);
  }

  /** The name in the current language, or undefined when the id has none. */
  nameOf(id: string): string | undefined {
    const known = this.names.get(id);
    return currentLanguage() === "vi" ? (known?.vi ?? known?.en) : (known?.en ?? known?.vi);
  }
}
