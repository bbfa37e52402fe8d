// Devices, operators and integrations that may connect, with their credential hashes.
import { createHash } from "node:crypto";
import type { LoginGuard } from "./login-guard.js";
import type { Database } from "../store/database.js";
import { type DeviceKind, type Principal, type Role, deviceKinds, roles } from "./acl.js";
import { generateSecret, hashSecret, verifySecret } from "./password-hash.js";
import { ID_PATTERN } from "./topics.js";

export interface DeviceRecord {
  id: string;
  role: Role;
  kind: DeviceKind | null;
  disabled: boolean;
  createdAt: string;
  rotatedAt: string;
}

interface Row {
  id: string;
  role: Role;
  kind: DeviceKind | null;
  password_hash: string;
  disabled: number;
  created_at: number;
  rotated_at: number;
}

/** A registry row as `devices export` writes it: the record and its scrypt hash. */
export interface ExportedDevice extends DeviceRecord {
  passwordHash: string;
}

export class RegistryError extends Error {
  override name = "RegistryError";
}

export type AuthResult =
  | { ok: true; principal: Principal }
  | { ok: false; reason: "unknown_device" | "bad_password" | "device_disabled" }
  | { ok: false; reason: "locked_out"; retryAfterMs: number };

function toRecord(row: Row): DeviceRecord {
  return {
    id: row.id,
    role: row.role,
    kind: row.kind,
    disabled: row.disabled === 1,
    createdAt: new Date(row.created_at).toISOString(),
    rotatedAt: new Date(row.rotated_at).toISOString(),
  };
}

export class DeviceRegistry {
  constructor(private readonly db: Database) {}

  /** Adds a device and returns its generated secret; the secret is never stored or shown again. */
  async add(id: string, options: { role?: Role; kind?: DeviceKind }): Promise<{ device: DeviceRecord; password: string }> {
    const role = options.role ?? "device";
    if (!ID_PATTERN.test(id)) {
      throw new RegistryError(`device id "${id}" must match ${ID_PATTERN} (it becomes a topic level)`);
    }
    if (!roles.includes(role)) throw new RegistryError(`role must be one of ${roles.join(", ")}`);
    if (role === "device" && !options.kind) throw new RegistryError(`a device needs --kind (${deviceKinds.join(", ")})`);
    if (options.kind && !deviceKinds.includes(options.kind)) {
      throw new RegistryError(`kind must be one of ${deviceKinds.join(", ")}`);
    }
    if (this.find(id)) throw new RegistryError(`device "${id}" already exists (use rotate for a new password)`);
    const password = generateSecret();
    const hash = await hashSecret(password);
    const now = Date.now();
    this.db
      .prepare("INSERT INTO devices (id, role, kind, password_hash, disabled, created_at, rotated_at) VALUES (?, ?, ?, ?, 0, ?, ?)")
      .run(id, role, options.kind ?? null, hash, now, now);
    return { device: this.get(id), password };
  }

  find(id: string): DeviceRecord | undefined {
    const row = this.db.prepare("SELECT * FROM devices WHERE id = ?").get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  get(id: string): DeviceRecord {
    const device = this.find(id);
    if (!device) throw new RegistryError(`no device "${id}"`);
    return device;
  }

  list(): DeviceRecord[] {
    return (this.db.prepare("SELECT * FROM devices ORDER BY id").all() as Row[]).map(toRecord);
  }

  setDisabled(id: string, disabled: boolean): DeviceRecord {
    const result = this.db.prepare("UPDATE devices SET disabled = ? WHERE id = ?").run(disabled ? 1 : 0, id);
    if (result.changes === 0) throw new RegistryError(`no device "${id}"`);
    return this.get(id);
  }

  async rotate(id: string): Promise<{ device: DeviceRecord; password: string }> {
    this.get(id);
    const password = generateSecret();
    const hash = await hashSecret(password);
    this.db.prepare("UPDATE devices SET password_hash = ?, rotated_at = ? WHERE id = ?").run(hash, Date.now(), id);
    return { device: this.get(id), password };
  }

  /**
   * Every account with its credential hash (never a secret), for provisioning other instances of a
   * shared deployment (`devices export` → `devices import`, docs/scaling.md).
   */
  exportRecords(): ExportedDevice[] {
    return (this.db.prepare("SELECT * FROM devices ORDER BY id").all() as Row[]).map((row) => ({
      ...toRecord(row),
      passwordHash: row.password_hash,
    }));
  }

  /** Adds or replaces accounts from an export; returns how many were added and how many replaced. */
  importRecords(records: unknown): { added: number; replaced: number } {
    if (!Array.isArray(records)) throw new RegistryError("an import is a JSON list of devices, as `devices export` writes it");
    const rows = records.map((r, i) => {
      const d = r as Partial<ExportedDevice>;
      const problem =
        typeof d !== "object" || d === null
          ? "is not an object"
          : typeof d.id !== "string" || !ID_PATTERN.test(d.id)
            ? `id must match ${ID_PATTERN}`
            : !roles.includes(d.role as Role)
              ? `role must be one of ${roles.join(", ")}`
              : d.kind !== null && d.kind !== undefined && !deviceKinds.includes(d.kind)
                ? `kind must be one of ${deviceKinds.join(", ")}`
                : typeof d.passwordHash !== "string" || !d.passwordHash.startsWith("scrypt$")
                  ? "passwordHash must be a scrypt hash from `devices export`"
                  : typeof d.disabled !== "boolean"
                    ? "disabled must be true or false"
                    : Number.isNaN(Date.parse(d.createdAt ?? "")) || Number.isNaN(Date.parse(d.rotatedAt ?? ""))
                      ? "createdAt and rotatedAt must be times"
                      : undefined;
      if (problem) throw new RegistryError(`import: device ${i} (${String((d as { id?: unknown })?.id)}) ${problem}`);
      return d as ExportedDevice;
    });
    let added = 0;
    let replaced = 0;
    const upsert = this.db.prepare(
      `INSERT INTO devices (id, role, kind, password_hash, disabled, created_at, rotated_at) VALUES (@id, @role, @kind, @hash, @disabled, @created, @rotated)
       ON CONFLICT (id) DO UPDATE SET role = excluded.role, kind = excluded.kind, password_hash = excluded.password_hash,
         disabled = excluded.disabled, created_at = excluded.created_at, rotated_at = excluded.rotated_at`,
    );
    this.db.transaction(() => {
      for (const d of rows) {
        if (this.find(d.id)) replaced++;
        else added++;
        upsert.run({
          id: d.id,
          role: d.role,
          kind: d.kind ?? null,
          hash: d.passwordHash,
          disabled: d.disabled ? 1 : 0,
          created: Date.parse(d.createdAt),
          rotated: Date.parse(d.rotatedAt),
        });
      }
    })();
    return { added, replaced };
  }

  /**
   * The principal of a device that proved its identity with a client certificate (CN = id, signed
   * by the configured CA): it must be registered and enabled; no password is checked.
   */
  byCertificate(id: string): AuthResult {
    const row = this.db.prepare("SELECT * FROM devices WHERE id = ?").get(id) as Row | undefined;
    if (!row) return { ok: false, reason: "unknown_device" };
    if (row.disabled === 1) return { ok: false, reason: "device_disabled" };
    return { ok: true, principal: { id: row.id, role: row.role, kind: row.kind ?? undefined } };
  }

  /**
   * What a verified password stands for, to re-check a remembered login cheaply: it changes when
   * the account is disabled, removed, given a new password or another role (also by the CLI, another
   * process on the same database); undefined when the account may not log in.
   */
  credentialStamp(id: string): string | undefined {
    const row = this.db.prepare("SELECT role, password_hash, disabled FROM devices WHERE id = ?").get(id) as
      | Pick<Row, "role" | "password_hash" | "disabled">
      | undefined;
    // A digest, not the hash itself: the stamp travels with the request's principal.
    return row && row.disabled === 0 ? createHash("sha256").update(`${row.role} ${row.password_hash}`).digest("base64url") : undefined;
  }

  /** Brute-force protection, when the hub runs (the CLI and tests work without). */
  guard: LoginGuard | undefined;

  /** Checks a device's password; `remote` is the client address the brute-force guard counts by. */
  async authenticate(id: string, password: string, remote?: string): Promise<AuthResult> {
    const lockedFor = this.guard?.lockedFor(id, remote) ?? 0;
    if (lockedFor > 0) return { ok: false, reason: "locked_out", retryAfterMs: lockedFor };
    const row = this.db.prepare("SELECT * FROM devices WHERE id = ?").get(id) as Row | undefined;
    if (!row || !(await verifySecret(password, row.password_hash))) {
      this.guard?.failed(id, remote);
      return { ok: false, reason: row ? "bad_password" : "unknown_device" };
    }
    this.guard?.succeeded(id);
    if (row.disabled === 1) return { ok: false, reason: "device_disabled" };
    return { ok: true, principal: { id: row.id, role: row.role, kind: row.kind ?? undefined } };
  }
}
