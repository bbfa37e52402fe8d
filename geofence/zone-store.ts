// The zone set in force: the GeoJSON files of the zones folder, plus zones managed over REST (kept in
// the hub's database; a managed zone with a file zone's id replaces it). The index is rebuilt on
// every change, so a lookup never sees a half-changed set.
import type { Feature, FeatureCollection } from "geojson";
import type { Database } from "../store/database.js";
import { loadZones } from "./zone-files.js";
import { ZoneIndex } from "./zone-index.js";
import { type Zone, ZoneError, zoneFromFeature } from "./zone.js";

export class ZoneStoreError extends Error {
  override name = "ZoneStoreError";
  constructor(
    readonly code: "zone_not_found" | "zone_read_only",
    message: string,
  ) {
    super(message);
  }
}

function toFeature(zone: Zone): Feature {
  return {
    type: "Feature",
    id: zone.id,
    properties: { id: zone.id, name: zone.name, kind: zone.kind, ...zone.properties },
    geometry: zone.geometry,
  };
}

export class ZoneStore {
  private fileZones: Map<string, Zone>;
  private current: ZoneIndex;

  constructor(
    private readonly db: Database,
    dir: string | undefined,
  ) {
    this.fileZones = new Map((dir ? loadZones(dir) : []).map((z) => [z.id, z]));
    this.current = this.rebuild();
  }

  private managed(): Map<string, Zone> {
    const rows = this.db.prepare("SELECT id, feature FROM zones ORDER BY id").all() as { id: string; feature: string }[];
    return new Map(rows.map((r) => [r.id, zoneFromFeature(JSON.parse(r.feature) as Feature, `zones/${r.id}`)]));
  }

  private rebuild(): ZoneIndex {
    const zones = new Map(this.fileZones);
    for (const [id, zone] of this.managed()) zones.set(id, zone);
    this.current = new ZoneIndex([...zones.values()].sort((a, b) => a.id.localeCompare(b.id)));
    return this.current;
  }

  get index(): ZoneIndex {
    return this.current;
  }

  collection(): FeatureCollection {
    return { type: "FeatureCollection", features: this.current.zones.map(toFeature) };
  }

  get(id: string): Feature {
    const zone = this.current.zones.find((z) => z.id === id);
    if (!zone) throw new ZoneStoreError("zone_not_found", `no zone ${id}`);
    return toFeature(zone);
  }

  /** Creates or replaces a managed zone; the URL's id wins over a missing one in the feature. Returns whether it is new. */
  put(id: string, feature: unknown): { created: boolean; zone: Feature } {
    if (typeof feature !== "object" || feature === null || (feature as Feature).type !== "Feature")
      throw new ZoneError("a zone is a GeoJSON Feature", "/type");
    const f = feature as Feature;
    const properties = { ...(f.properties ?? {}) } as Record<string, unknown>;
    if (properties.id !== undefined && properties.id !== id)
      throw new ZoneError(`properties.id "${String(properties.id)}" is not the URL's "${id}"`, "/properties/id");
    properties.id = id;
    const zone = zoneFromFeature({ ...f, properties });
    const created = !this.current.zones.some((z) => z.id === id);
    this.db
      .prepare(
        "INSERT INTO zones (id, feature, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET feature = excluded.feature, updated_at = excluded.updated_at",
      )
      .run(id, JSON.stringify(toFeature(zone)), Date.now());
    this.rebuild();
    return { created, zone: toFeature(zone) };
  }

  /** Deletes a managed zone (a zone that only exists in a file is changed by editing the file). */
  delete(id: string): void {
    const result = this.db.prepare("DELETE FROM zones WHERE id = ?").run(id);
    if (result.changes === 0) {
      if (this.fileZones.has(id))
        throw new ZoneStoreError("zone_read_only", `zone ${id} comes from a file of the zones folder; edit the file`);
      throw new ZoneStoreError("zone_not_found", `no zone ${id}`);
    }
    this.rebuild();
  }
}
