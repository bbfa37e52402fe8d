// The identity stage of the pipeline: an AIS or VMS report becomes the registered vessel's (by MMSI or
// VMS device id), or stays `unregistered:<mmsi>` and is listed for the officers. What a transmitter
// says about itself (AIS static data) is kept, and compared with the register: a vessel broadcasting
// another vessel's name or MMSI is a known trick.
import type { Logger } from "../hub/logger.js";
import type { Observation } from "../ingest/observation.js";
import type { Database } from "../store/database.js";
import type { VesselRegistry } from "./vessel-registry.js";
import { unregisteredVmsVessel } from "../ingest/vessel-id.js";

export interface Transmitter {
  mmsi: number;
  firstSeenAt: string;
  lastSeenAt: string;
  name?: string;
  callsign?: string;
  lengthM?: number;
  /** How the transmitter's own static data disagrees with the register, when it does. */
  mismatch?: string;
  /** The registered vessel this MMSI belongs to, if any. */
  vessel?: string;
}

/** A VMS terminal the register does not know. */
export interface UnknownTerminal {
  /** The VMS device id, or what the report named when it carried none. */
  terminal: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The registration number the report named besides its device id (not in the register either). */
  reportedAs?: string;
  /** The registered vessel it belongs to, when the register has learnt it since. */
  vessel?: string;
}

interface TerminalSeen {
  first: number;
  last: number;
  reportedAs?: string | undefined;
}

interface Seen {
  first: number;
  last: number;
  name?: string | undefined;
  callsign?: string | undefined;
  lengthM?: number | undefined;
  mismatch?: string | undefined;
}

/** When a transmitter or terminal was first and last heard, from its row. */
function seenSpan(row: { first_seen_at: number; last_seen_at: number }): { firstSeenAt: string; lastSeenAt: string } {
  return { firstSeenAt: new Date(row.first_seen_at).toISOString(), lastSeenAt: new Date(row.last_seen_at).toISOString() };
}

/** AIS carries at most 20 characters of a vessel's name (ITU-R M.1371, messages 5, 19 and 24A). */
const AIS_NAME_CHARACTERS = 20;

/** Upper case without diacritics ("Hương" → "HUONG", "Đông" → "DONG"), as a name is keyed into a transponder. */
function plainUpperCase(name: string): string {
  return name.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/gi, "d").toUpperCase();
}

/** Names compared without case, diacritics, spaces or punctuation ("TTH 90123" = "tth-90123"). */
export function normaliseName(name: string): string {
  return plainUpperCase(name).replace(/[^A-Z0-9]/g, "");
}

/**
 * Whether the name a transponder sends is the registered one: the same, or all of it AIS can carry
 * (its first 20 characters: "TTH 90012 Hương Phong" arrives as "TTH 90012 HUONG PHON").
 */
export function sameVesselName(aisName: string, registered: string): boolean {
  const sent = normaliseName(aisName);
  return sent === normaliseName(registered) || sent === normaliseName(plainUpperCase(registered).slice(0, AIS_NAME_CHARACTERS));
}

export class VesselIdentity {
  private readonly seen = new Map<number, Seen>();
  private readonly dirty = new Set<number>();
  private readonly terminals = new Map<string, TerminalSeen>();
  private readonly dirtyTerminals = new Set<string>();

  constructor(
    private readonly registry: VesselRegistry,
    private readonly db: Database,
    private readonly log?: Logger,
  ) {}

  /** Resolves the vessel of one observation; records the transmitter. */
  resolve = (observation: Observation): Observation => {
    if (observation.type === "vessel_position" && observation.source === "vms") return this.resolveVms(observation);
    if (observation.type === "sensor_reading" || observation.mmsi === undefined) return observation;
    const mmsi = observation.mmsi;
    const vessel = this.registry.vesselForMmsi(mmsi);
    this.note(observation, vessel);
    return vessel ? { ...observation, vessel } : observation;
  };

  /** A VMS report names its vessel (registration number) or its terminal (VMS device id). */
  private resolveVms(observation: Extract<Observation, { type: "vessel_position" }>): Observation {
    if (this.registry.isRegistered(observation.vessel)) return observation;
    const byDevice = observation.vmsDeviceId ? this.registry.vesselForVmsDevice(observation.vmsDeviceId) : undefined;
    if (byDevice) return { ...observation, vessel: byDevice };
    const byName = this.registry.vesselForVmsDevice(observation.vessel);
    if (byName) return { ...observation, vessel: byName };
    const terminal = observation.vmsDeviceId ?? observation.vessel;
    this.noteTerminal(terminal, observation.vmsDeviceId ? observation.vessel : undefined, observation.timeMs);
    return { ...observation, vessel: unregisteredVmsVessel(terminal) };
  }

  private noteTerminal(terminal: string, reportedAs: string | undefined, timeMs: number): void {
    let seen = this.terminals.get(terminal);
    if (!seen) {
      seen = { first: timeMs, last: timeMs };
      this.terminals.set(terminal, seen);
    }
    seen.first = Math.min(seen.first, timeMs);
    seen.last = Math.max(seen.last, timeMs);
    if (reportedAs) seen.reportedAs = reportedAs;
    this.dirtyTerminals.add(terminal);
  }

  private note(observation: Exclude<Observation, { type: "sensor_reading" }>, vessel: string | undefined): void {
    const mmsi = observation.mmsi as number;
    let seen = this.seen.get(mmsi);
    if (!seen) {
      seen = { first: observation.timeMs, last: observation.timeMs };
      this.seen.set(mmsi, seen);
    }
    seen.first = Math.min(seen.first, observation.timeMs);
    seen.last = Math.max(seen.last, observation.timeMs);
    if (observation.type === "vessel_static") {
      if (observation.name) seen.name = observation.name;
      if (observation.callsign) seen.callsign = observation.callsign;
      if (observation.lengthM) seen.lengthM = observation.lengthM;
      const mismatch = vessel ? this.compare(vessel, observation.name, observation.lengthM) : undefined;
      if (mismatch !== seen.mismatch) {
        if (mismatch) this.log?.warn({ mmsi, vessel, mismatch }, "AIS static data disagrees with the register");
        seen.mismatch = mismatch;
      }
    }
    this.dirty.add(mmsi);
  }

  private compare(vesselId: string, name: string | undefined, lengthM: number | undefined): string | undefined {
    const registered = this.registry.find(vesselId);
    if (!registered) return undefined;
    const problems: string[] = [];
    if (name && !sameVesselName(name, registered.name)) problems.push(`AIS name "${name}" is not the registered "${registered.name}"`);
    if (lengthM && Math.abs(lengthM - registered.lengthM) > Math.max(2, registered.lengthM * 0.2)) {
      problems.push(`AIS length ${lengthM} m is not the registered ${registered.lengthM} m`);
    }
    return problems.length > 0 ? problems.join("; ") : undefined;
  }

  /** Writes what changed since the last flush (one transaction; called on a timer, not per message). */
  flush(): void {
    this.flushTerminals();
    if (this.dirty.size === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO transmitters (mmsi, first_seen_at, last_seen_at, name, callsign, length_m, mismatch)
       VALUES (@mmsi, @first, @last, @name, @callsign, @lengthM, @mismatch)
       ON CONFLICT (mmsi) DO UPDATE SET first_seen_at = min(first_seen_at, excluded.first_seen_at),
         last_seen_at = max(last_seen_at, excluded.last_seen_at), name = coalesce(excluded.name, name),
         callsign = coalesce(excluded.callsign, callsign), length_m = coalesce(excluded.length_m, length_m), mismatch = excluded.mismatch`,
    );
    this.db.transaction(() => {
      for (const mmsi of this.dirty) {
        const s = this.seen.get(mmsi) as Seen;
        upsert.run({
          mmsi,
          first: s.first,
          last: s.last,
          name: s.name ?? null,
          callsign: s.callsign ?? null,
          lengthM: s.lengthM ?? null,
          mismatch: s.mismatch ?? null,
        });
      }
    })();
    this.dirty.clear();
  }

  private flushTerminals(): void {
    if (this.dirtyTerminals.size === 0) return;
    const upsert = this.db.prepare(
      `INSERT INTO vms_terminals (terminal, first_seen_at, last_seen_at, reported_as) VALUES (@terminal, @first, @last, @reportedAs)
       ON CONFLICT (terminal) DO UPDATE SET first_seen_at = min(first_seen_at, excluded.first_seen_at),
         last_seen_at = max(last_seen_at, excluded.last_seen_at), reported_as = coalesce(excluded.reported_as, reported_as)`,
    );
    this.db.transaction(() => {
      for (const terminal of this.dirtyTerminals) {
        const s = this.terminals.get(terminal) as TerminalSeen;
        upsert.run({ terminal, first: s.first, last: s.last, reportedAs: s.reportedAs ?? null });
      }
    })();
    this.dirtyTerminals.clear();
  }

  /** The registered vessel an unknown terminal turned out to be, if the register has learnt it since. */
  private terminalVessel(terminal: string, reportedAs: string | undefined): string | undefined {
    return this.registry.vesselForVmsDevice(terminal) ?? (reportedAs && this.registry.isRegistered(reportedAs) ? reportedAs : undefined);
  }

  /** Every VMS terminal heard that the register did not know, by terminal id. */
  unknownTerminals(): UnknownTerminal[] {
    this.flush();
    const rows = this.db.prepare("SELECT * FROM vms_terminals ORDER BY terminal").all() as {
      terminal: string;
      first_seen_at: number;
      last_seen_at: number;
      reported_as: string | null;
    }[];
    return rows.map((r) => {
      const t: UnknownTerminal = { terminal: r.terminal, ...seenSpan(r) };
      if (r.reported_as) t.reportedAs = r.reported_as;
      const vessel = this.terminalVessel(r.terminal, r.reported_as ?? undefined);
      if (vessel) t.vessel = vessel;
      return t;
    });
  }

  /**
   * Forgets the transmitters (AIS) and terminals (VMS) the register does not know that nobody has
   * heard since `cutoffMs`, in memory and in the tables: a coastal receiver hears every ship passing
   * by, so the list of transmitters to register would otherwise grow for good (~150 B of heap and a
   * row each). The register's own MMSIs are kept (the register bounds them, and their mismatches
   * stay on record).
   * Returns how many were forgotten.
   */
  forgetSilentUnregistered(cutoffMs: number): number {
    this.flush();
    for (const [mmsi, seen] of this.seen) if (seen.last < cutoffMs && !this.registry.vesselForMmsi(mmsi)) this.seen.delete(mmsi);
    for (const [terminal, seen] of this.terminals) if (seen.last < cutoffMs) this.terminals.delete(terminal);
    const silent = this.db.prepare("SELECT mmsi FROM transmitters WHERE last_seen_at < ?").pluck().all(cutoffMs) as number[];
    const forget = this.db.prepare("DELETE FROM transmitters WHERE mmsi = ?");
    let forgotten = 0;
    this.db.transaction(() => {
      for (const mmsi of silent) if (!this.registry.vesselForMmsi(mmsi)) forgotten += forget.run(mmsi).changes;
      // A terminal's row is only of what the register did not know: it goes once silent, whoever it turned out to be.
      forgotten += this.db.prepare("DELETE FROM vms_terminals WHERE last_seen_at < ?").run(cutoffMs).changes;
    })();
    return forgotten;
  }

  /** Every transmitter heard, with its registered vessel when it has one. */
  transmitters(): Transmitter[] {
    this.flush();
    const rows = this.db.prepare("SELECT * FROM transmitters ORDER BY mmsi").all() as {
      mmsi: number;
      first_seen_at: number;
      last_seen_at: number;
      name: string | null;
      callsign: string | null;
      length_m: number | null;
      mismatch: string | null;
    }[];
    return rows.map((r) => {
      const t: Transmitter = { mmsi: r.mmsi, ...seenSpan(r) };
      if (r.name) t.name = r.name;
      if (r.callsign) t.callsign = r.callsign;
      if (r.length_m) t.lengthM = r.length_m;
      if (r.mismatch) t.mismatch = r.mismatch;
      const vessel = this.registry.vesselForMmsi(r.mmsi);
      if (vessel) t.vessel = vessel;
      return t;
    });
  }
}
