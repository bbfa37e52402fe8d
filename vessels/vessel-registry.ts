// The fisheries register: one vessel = its registration number, with the MMSI and VMS device id that
// join AIS and VMS reports to it (DESIGN.md §3). Kept in the hub's SQLite database.
import type { Database } from "../store/database.js";
import type { SchemaRegistry } from "../ingest/schema-registry.js";
import { schemaRejection } from "../ingest/schema-registry.js";

export const vesselStatuses = ["active", "suspended", "decommissioned"] as const;

export interface VesselInput {
  id: string;
  name: string;
  lengthM: number;
  grossTonnage?: number;
  mainGear?: string;
  homePort?: string;
  owner?: string;
  mmsi?: number;
  vmsDeviceId?: string;
  status?: (typeof vesselStatuses)[number];
}

export interface Vessel extends VesselInput {
  status: (typeof vesselStatuses)[number];
  createdAt: string;
  updatedAt: string;
}

export type VesselErrorCode = "vessel_invalid" | "vessel_exists" | "vessel_conflict" | "vessel_not_found";

export class VesselError extends Error {
  override name = "VesselError";
  constructor(
    readonly code: VesselErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

interface Row {
  id: string;
  name: string;
  length_m: number;
  gross_tonnage: number | null;
  main_gear: string | null;
  home_port: string | null;
  owner: string | null;
  mmsi: number | null;
  vms_device_id: string | null;
  status: Vessel["status"];
  created_at: number;
  updated_at: number;
}

function toVessel(row: Row): Vessel {
  const v: Vessel = {
    id: row.id,
    name: row.name,
    lengthM: row.length_m,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
  if (row.gross_tonnage !== null) v.grossTonnage = row.gross_tonnage;
  if (row.main_gear !== null) v.mainGear = row.main_gear;
  if (row.home_port !== null) v.homePort = row.home_port;
  if (row.owner !== null) v.owner = row.owner;
  if (row.mmsi !== null) v.mmsi = row.mmsi;
  if (row.vms_device_id !== null) v.vmsDeviceId = row.vms_device_id;
  return v;
}

/** How often the identity cache checks whether another process (the CLI) changed the register. */
const CACHE_CHECK_MS = 1000;

export class VesselRegistry {
  private byMmsi = new Map<number, string>();
  private byVmsDevice = new Map<string, string>();
  private ids = new Set<string>();
  private dataVersion = -1;
  private checkedAt = 0;

  constructor(
    private readonly db: Database,
    private readonly schemas: SchemaRegistry,
    private readonly registrationPattern: RegExp,
  ) {}

  /** Checks a vessel against the published schema and the registration-number format. */
  validate(input: unknown): VesselInput {
    const validate = this.schemas.validator("vessel");
    if (!validate(input)) {
      const r = schemaRejection(validate.errors, "", "vessel");
      throw new VesselError("vessel_invalid", `${r.path} ${r.message}`, r.path);
    }
    const vessel = input as VesselInput;
    if (!this.registrationPattern.test(vessel.id)) {
      throw new VesselError("vessel_invalid", `registration number "${vessel.id}" does not match ${this.registrationPattern}`, "/id");
    }
    return vessel;
  }

  private checkConflicts(vessel: VesselInput): void {
    if (vessel.mmsi !== undefined) {
      const other = this.db.prepare("SELECT id FROM vessels WHERE mmsi = ? AND id <> ?").get(vessel.mmsi, vessel.id) as
        | { id: string }
        | undefined;
      if (other) throw new VesselError("vessel_conflict", `MMSI ${vessel.mmsi} is already ${other.id}'s`, "/mmsi");
    }
    if (vessel.vmsDeviceId !== undefined) {
      const other = this.db.prepare("SELECT id FROM vessels WHERE vms_device_id = ? AND id <> ?").get(vessel.vmsDeviceId, vessel.id) as
        | { id: string }
        | undefined;
      if (other) throw new VesselError("vessel_conflict", `VMS device ${vessel.vmsDeviceId} is already ${other.id}'s`, "/vmsDeviceId");
    }
  }

  private write(vessel: VesselInput, createdAt: number): void {
    this.db
      .prepare(
        `INSERT INTO vessels (id, name, length_m, gross_tonnage, main_gear, home_port, owner, mmsi, vms_device_id, status, created_at, updated_at)
         VALUES (@id, @name, @lengthM, @grossTonnage, @mainGear, @homePort, @owner, @mmsi, @vmsDeviceId, @status, @createdAt, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, length_m = excluded.length_m, gross_tonnage = excluded.gross_tonnage,
           main_gear = excluded.main_gear, home_port = excluded.home_port, owner = excluded.owner, mmsi = excluded.mmsi,
           vms_device_id = excluded.vms_device_id, status = excluded.status, updated_at = excluded.updated_at`,
      )
      .run({
        id: vessel.id,
        name: vessel.name,
        lengthM: vessel.lengthM,
        grossTonnage: vessel.grossTonnage ?? null,
        mainGear: vessel.mainGear ?? null,
        homePort: vessel.homePort ?? null,
        owner: vessel.owner ?? null,
        mmsi: vessel.mmsi ?? null,
        vmsDeviceId: vessel.vmsDeviceId ?? null,
        status: vessel.status ?? "active",
        createdAt,
        updatedAt: Date.now(),
      });
    // A change made through this hub is seen by its next lookup, not up to a second later.
    this.checkedAt = Number.NEGATIVE_INFINITY;
  }

  create(input: unknown): Vessel {
    const vessel = this.validate(input);
    if (this.find(vessel.id))
      throw new VesselError("vessel_exists", `vessel ${vessel.id} is already registered (PATCH to change it)`, "/id");
    this.checkConflicts(vessel);
    this.write(vessel, Date.now());
    return this.get(vessel.id);
  }

  update(id: string, patch: unknown): Vessel {
    const current = this.get(id);
    if (typeof patch !== "object" || patch === null || Array.isArray(patch))
      throw new VesselError("vessel_invalid", "a patch is a JSON object");
    if ("id" in patch && (patch as { id: unknown }).id !== id)
      throw new VesselError("vessel_invalid", "the registration number cannot be changed", "/id");
    const { createdAt, updatedAt, ...fields } = current;
    // null in a patch removes an optional field.
    const merged = Object.fromEntries(Object.entries({ ...fields, ...patch }).filter(([, v]) => v !== null));
    const vessel = this.validate(merged);
    this.checkConflicts(vessel);
    this.write(vessel, Date.parse(createdAt));
    return this.get(id);
  }

  find(id: string): Vessel | undefined {
    const row = this.db.prepare("SELECT * FROM vessels WHERE id = ?").get(id) as Row | undefined;
    return row ? toVessel(row) : undefined;
  }

  get(id: string): Vessel {
    const vessel = this.find(id);
    if (!vessel) throw new VesselError("vessel_not_found", `no vessel ${id}`);
    return vessel;
  }

  list(): Vessel[] {
    return (this.db.prepare("SELECT * FROM vessels ORDER BY id").all() as Row[]).map(toVessel);
  }

  /**
   * Imports many vessels at once, all or nothing: every record is checked (schema, format, duplicates
   * within the file, conflicts with the register) and nothing is written if any fails.
   */
  import(records: unknown[]): { created: number; updated: number } {
    const errors: string[] = [];
    const valid: VesselInput[] = [];
    const seen = new Map<string, number>();
    records.forEach((record, i) => {
      try {
        const vessel = this.validate(record);
        for (const [key, value] of [
          ["id", vessel.id],
          ["mmsi", vessel.mmsi],
          ["vmsDeviceId", vessel.vmsDeviceId],
        ] as const) {
          if (value === undefined) continue;
          const earlier = seen.get(`${key}:${value}`);
          if (earlier !== undefined) throw new VesselError("vessel_exists", `${key} ${value} also on record ${earlier + 1}`, `/${key}`);
          seen.set(`${key}:${value}`, i);
        }
        valid.push(vessel);
      } catch (error) {
        errors.push(`record ${i + 1}: ${(error as Error).message}`);
      }
    });
    if (errors.length > 0) throw new VesselError("vessel_invalid", `nothing imported: ${errors.join("; ")}`);
    let created = 0;
    let updated = 0;
    this.db.transaction(() => {
      for (const vessel of valid) {
        const existing = this.find(vessel.id);
        this.checkConflictsWithin(vessel, valid);
        this.write(vessel, existing ? Date.parse(existing.createdAt) : Date.now());
        if (existing) updated++;
        else created++;
      }
    })();
    return { created, updated };
  }

  /** Conflicts with vessels not in this import (an import may move an MMSI between its own records). */
  private checkConflictsWithin(vessel: VesselInput, batch: VesselInput[]): void {
    const ids = new Set(batch.map((v) => v.id));
    for (const [column, value, path] of [
      ["mmsi", vessel.mmsi, "/mmsi"],
      ["vms_device_id", vessel.vmsDeviceId, "/vmsDeviceId"],
    ] as const) {
      if (value === undefined) continue;
      const other = this.db.prepare(`SELECT id FROM vessels WHERE ${column} = ? AND id <> ?`).get(value, vessel.id) as
        | { id: string }
        | undefined;
      if (other && !ids.has(other.id)) throw new VesselError("vessel_conflict", `${path.slice(1)} ${value} is already ${other.id}'s`, path);
    }
  }

  private refresh(now: number): void {
    if (now - this.checkedAt < CACHE_CHECK_MS) return;
    this.checkedAt = now;
    const version = this.db.pragma("data_version", { simple: true }) as number;
    const count = (this.db.prepare("SELECT count(*) AS n, max(updated_at) AS at FROM vessels").get() as {
      n: number;
      at: number | null;
    }) ?? { n: 0, at: 0 };
    const stamp = version * 1e13 + count.n * 1e6 + (count.at ?? 0);
    if (stamp === this.dataVersion) return;
    this.dataVersion = stamp;
    const rows = this.db.prepare("SELECT id, mmsi, vms_device_id FROM vessels").all() as Pick<Row, "id" | "mmsi" | "vms_device_id">[];
    this.byMmsi = new Map(rows.filter((r) => r.mmsi !== null).map((r) => [r.mmsi as number, r.id]));
    this.byVmsDevice = new Map(rows.filter((r) => r.vms_device_id !== null).map((r) => [r.vms_device_id as string, r.id]));
    this.ids = new Set(rows.map((r) => r.id));
  }

  /** Whether a registration number is in the register (cached like the lookups below). */
  isRegistered(id: string, now = Date.now()): boolean {
    this.refresh(now);
    return this.ids.has(id);
  }

  /** Registered vessel id for an MMSI (cached; sees changes made by other processes within a second). */
  vesselForMmsi(mmsi: number, now = Date.now()): string | undefined {
    this.refresh(now);
    return this.byMmsi.get(mmsi);
  }

  vesselForVmsDevice(deviceId: string, now = Date.now()): string | undefined {
    this.refresh(now);
    return this.byVmsDevice.get(deviceId);
  }
}
