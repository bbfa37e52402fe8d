// API tokens for people and systems that read and handle alerts: roles `operator` (every domain),
// `fisheries` and `environment` (their own domain), `admin` (everything, plus rules, tokens, webhooks).
// A token is `ioc_<id>_<secret>`; only the scrypt hash of the secret is stored. Verified tokens are
// cached for a minute; a revoked token is refused at once (the cache is dropped on revoke).
import { randomBytes } from "node:crypto";
import { generateSecret, hashSecret, verifySecret } from "../broker/password-hash.js";
import type { Database } from "../store/database.js";

export const tokenRoles = ["operator", "fisheries", "environment", "admin"] as const;
export type TokenRole = (typeof tokenRoles)[number];

export interface ApiToken {
  id: string;
  name: string;
  role: TokenRole;
  createdAt: string;
  revokedAt?: string;
}

const CACHE_MS = 60_000;
const TOKEN = /^ioc_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export class ApiTokenError extends Error {}

export class ApiTokens {
  private readonly cache = new Map<string, { token: ApiToken; until: number }>();

  constructor(private readonly db: Database) {}

  async add(name: string, role: TokenRole): Promise<{ token: ApiToken; secret: string }> {
    if (!tokenRoles.includes(role)) throw new ApiTokenError(`role must be one of ${tokenRoles.join(", ")}`);
    if (!/^.{1,100}$/u.test(name)) throw new ApiTokenError("a token needs a name of 1 to 100 characters");
    const id = randomBytes(6).toString("hex");
    const secret = generateSecret();
    const now = Date.now();
    this.db
      .prepare("INSERT INTO api_tokens (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, name, role, await hashSecret(secret), now);
    return { token: { id, name, role, createdAt: new Date(now).toISOString() }, secret: `ioc_${id}_${secret}` };
  }

  list(): ApiToken[] {
    const rows = this.db.prepare("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at").all() as {
      id: string;
      name: string;
      role: TokenRole;
      created_at: number;
      revoked_at: number | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      createdAt: new Date(r.created_at).toISOString(),
      ...(r.revoked_at !== null && { revokedAt: new Date(r.revoked_at).toISOString() }),
    }));
  }

  revoke(id: string): ApiToken {
    const result = this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(Date.now(), id);
    if (result.changes === 0) throw new ApiTokenError(`no active token ${id}`);
    for (const [key, entry] of this.cache) if (entry.token.id === id) this.cache.delete(key);
    return this.list().find((t) => t.id === id) as ApiToken;
  }

  /** Whether a token exists and is not revoked (a primary-key lookup: cheap enough for every request). */
  isActive(id: string): boolean {
    return this.db.prepare("SELECT 1 FROM api_tokens WHERE id = ? AND revoked_at IS NULL").get(id) !== undefined;
  }

  /** The token a bearer string stands for, or undefined when it is unknown, wrong or revoked. */
  async verify(bearer: string): Promise<ApiToken | undefined> {
    const cached = this.cache.get(bearer);
    // The cache saves the scrypt check, not the revocation check: `tokens revoke` in another process
    // (the CLI) must take effect at the next request too.
    if (cached && cached.until > Date.now() && this.isActive(cached.token.id)) return cached.token;
    const match = TOKEN.exec(bearer);
    if (!match) return undefined;
    const row = this.db
      .prepare("SELECT id, name, role, secret_hash, created_at FROM api_tokens WHERE id = ? AND revoked_at IS NULL")
      .get(match[1]) as { id: string; name: string; role: TokenRole; secret_hash: string; created_at: number } | undefined;
    if (!row || !(await verifySecret(match[2] as string, row.secret_hash))) return undefined;
    const token: ApiToken = { id: row.id, name: row.name, role: row.role, createdAt: new Date(row.created_at).toISOString() };
    this.cache.set(bearer, { token, until: Date.now() + CACHE_MS });
    return token;
  }
}
