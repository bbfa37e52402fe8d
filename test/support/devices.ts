// Registers devices straight in a hub's registry (the same SQLite file the hub reads).
import { ApiTokens, type TokenRole } from "../../api/api-tokens.js";
import type { DeviceKind, Role } from "../../broker/acl.js";
import { DeviceRegistry } from "../../broker/device-registry.js";
import { openDatabase } from "../../store/database.js";

export interface Credentials {
  username: string;
  password: string;
}

export async function addDevices(
  dataDir: string,
  devices: { id: string; kind?: DeviceKind; role?: Role }[],
): Promise<Map<string, Credentials>> {
  const db = openDatabase(dataDir);
  try {
    const registry = new DeviceRegistry(db);
    const out = new Map<string, Credentials>();
    for (const d of devices) {
      const { password } = await registry.add(d.id, { kind: d.kind, role: d.role });
      out.set(d.id, { username: d.id, password });
    }
    return out;
  } finally {
    db.close();
  }
}

/** An API token in a hub's database (as `ioc-hub tokens add` makes one); returns its secret. */
export async function addApiToken(dataDir: string, name: string, role: TokenRole): Promise<string> {
  const db = openDatabase(dataDir);
  try {
    return (await new ApiTokens(db).add(name, role)).secret;
  } finally {
    db.close();
  }
}
