// Authentication of API requests: HTTP Basic against the device registry (operator and integration
// accounts), or a bearer API token (`ioc-hub tokens add`) with role operator, fisheries, environment
// or admin. Verified Basic credentials are remembered for a minute so that a dashboard polling the API
// does not pay a scrypt hash per request; what is remembered is re-checked against the registry at
// every request, so a disabled account or a new password takes effect at once. Browsers cannot set
// headers on a WebSocket: there the token may come as the `access_token` query parameter.
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Role } from "../broker/acl.js";
import type { DeviceRegistry } from "../broker/device-registry.js";
import type { Domain } from "../alerts/alert-store.js";
import type { ApiTokens, TokenRole } from "./api-tokens.js";
import { apiError } from "./api-error.js";

const CACHE_MS = 60_000;
/** Past this many remembered logins, expired ones are dropped before another is added. */
const CACHE_MAX_ENTRIES = 1000;

function forgetExpired(cache: Map<string, { until: number }>): void {
  const now = Date.now();
  for (const [key, entry] of cache) if (entry.until < now) cache.delete(key);
}

export type ApiRole = Exclude<Role, "device"> | TokenRole;

export interface ApiPrincipal {
  id: string;
  role: ApiRole;
  /** The API token the request came with, if any (open streams are closed when it is revoked). */
  tokenId?: string;
  /** For a Basic login: the account's credential stamp (open streams are closed when it changes). */
  accountStamp?: string;
}

/**
 * Keeps checking that what authenticated a long-lived connection (a WebSocket stream) is still
 * valid: a revoked token, or an account disabled or given a new password — through REST or the
 * CLI — closes the stream within `everyMs`.
 */
export function closeWhenRevoked(
  socket: { close(code: number, reason: string): void; on(event: "close", l: () => void): void },
  principal: ApiPrincipal | undefined,
  auth: ApiAuth,
  everyMs = 2000,
): void {
  const revocation = principal && revocationOf(principal, auth);
  if (!revocation) return;
  const timer = setInterval(() => {
    if (!revocation.valid()) {
      clearInterval(timer);
      socket.close(4401, revocation.reason);
    }
  }, everyMs);
  timer.unref();
  socket.on("close", () => clearInterval(timer));
}

function revocationOf({ id, tokenId, accountStamp }: ApiPrincipal, { devices, tokens }: ApiAuth) {
  if (tokenId !== undefined && tokens) return { valid: () => tokens.isActive(tokenId), reason: "API token revoked" };
  if (accountStamp !== undefined) {
    return { valid: () => devices.credentialStamp(id) === accountStamp, reason: "account disabled, removed or given a new password" };
  }
  return undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    principal?: ApiPrincipal;
  }
}

/** The alert domains a role may see. */
export function visibleDomains(role: ApiRole): Domain[] {
  switch (role) {
    case "fisheries":
      return ["fisheries"];
    case "environment":
      return ["environment"];
    case "operator":
    case "admin":
      return ["fisheries", "environment", "system"];
    default:
      return [];
  }
}

export interface ApiAuth {
  devices: DeviceRegistry;
  tokens?: ApiTokens;
}

/**
 * 401 with the challenges a client may answer. A refused bearer token gets only the Bearer
 * challenge (RFC 6750 §3): a Basic challenge would make a browser's fetch() open a password prompt
 * instead of returning the 401 to the operator console.
 */
function unauthorized(reply: FastifyReply, message: string, refusedBearer = false) {
  return reply
    .code(401)
    .header(
      "www-authenticate",
      refusedBearer ? 'Bearer realm="ioc-hub", error="invalid_token"' : 'Basic realm="ioc-hub", Bearer realm="ioc-hub"',
    )
    .send(apiError("unauthorized", message));
}

function tooManyAttempts(request: FastifyRequest, reply: FastifyReply, retryAfterMs: number) {
  request.log.warn({ reason: "locked_out", remote: request.ip }, "API authentication refused: locked out");
  return reply
    .code(429)
    .header("retry-after", String(Math.ceil(retryAfterMs / 1000)))
    .send(apiError("too_many_attempts", `too many failed logins: try again in ${Math.ceil(retryAfterMs / 1000)} s`));
}

/** A preHandler admitting the given roles (admin is admitted everywhere). */
export function requireRole(auth: DeviceRegistry | ApiAuth, roles: readonly ApiRole[]) {
  const { devices, tokens } = "devices" in auth ? auth : { devices: auth, tokens: undefined };
  const cache = new Map<string, { principal: ApiPrincipal; until: number }>();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? "";
    const queryToken = (request.query as { access_token?: unknown } | undefined)?.access_token;
    const bearer = /^Bearer (\S+)$/.exec(header)?.[1] ?? (typeof queryToken === "string" ? queryToken : undefined);
    let principal: ApiPrincipal | undefined;
    if (bearer !== undefined) {
      const lockedFor = devices.guard?.lockedFor(undefined, request.ip) ?? 0;
      if (lockedFor > 0) return tooManyAttempts(request, reply, lockedFor);
      const token = tokens ? await tokens.verify(bearer) : undefined;
      if (!token) {
        devices.guard?.failed(undefined, request.ip);
        request.log.warn({ reason: "token_invalid" }, "API authentication failed");
        return unauthorized(reply, "unknown, wrong or revoked API token", true);
      }
      principal = { id: `token:${token.name}`, role: token.role, tokenId: token.id };
    } else {
      const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
      if (!match) return unauthorized(reply, "credentials required: HTTP Basic (operator or integration account) or a bearer API token");
      const key = createHash("sha256").update(header).digest("base64");
      let cached = cache.get(key);
      // A remembered login saves the scrypt check, not the registry's: disabled or rotated since?
      if (cached && (cached.until < Date.now() || devices.credentialStamp(cached.principal.id) !== cached.principal.accountStamp)) {
        cache.delete(key);
        cached = undefined;
      }
      if (!cached) {
        const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        const id = decoded.slice(0, colon);
        // Read before the (slow) password check: a new password set meanwhile then fails the next re-check.
        const accountStamp = colon > 0 ? devices.credentialStamp(id) : undefined;
        const result = colon > 0 ? await devices.authenticate(id, decoded.slice(colon + 1), request.ip) : undefined;
        if (result && !result.ok && result.reason === "locked_out") return tooManyAttempts(request, reply, result.retryAfterMs);
        if (!result?.ok) {
          request.log.warn({ reason: result?.reason ?? "malformed" }, "API authentication failed");
          // The password was right (it is checked first): saying so tells nothing to a guesser.
          return unauthorized(reply, result?.reason === "device_disabled" ? "this account is disabled" : "wrong credentials");
        }
        if (result.principal.role === "device") return reply.code(403).send(apiError("forbidden", "a device account may not do this"));
        cached = { principal: { id: result.principal.id, role: result.principal.role, accountStamp }, until: Date.now() + CACHE_MS };
        if (cache.size >= CACHE_MAX_ENTRIES) forgetExpired(cache);
        cache.set(key, cached);
      }
      principal = cached.principal;
    }
    if (principal.role !== "admin" && !roles.includes(principal.role)) {
      return reply.code(403).send(apiError("forbidden", `a ${principal.role} account may not do this`));
    }
    request.principal = principal;
  };
}
