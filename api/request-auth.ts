// Authentication of API requests: HTTP Basic against the device registry (operator and integration
// accounts), or a bearer API token (`ioc-hub tokens add`) with role operator, fisheries, environment
// or admin. Verified Basic credentials are cached for a minute so that a dashboard polling the API does
// not pay a scrypt hash per request. Browsers cannot set headers on a WebSocket: there the token may
// come as the `access_token` query parameter.
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Role } from "../broker/acl.js";
import type { DeviceRegistry } from "../broker/device-registry.js";
import type { Domain } from "../alerts/alert-store.js";
import type { ApiTokens, TokenRole } from "./api-tokens.js";
import { apiError } from "./api-error.js";

const CACHE_MS = 60_000;

export type ApiRole = Exclude<Role, "device"> | TokenRole;

export interface ApiPrincipal {
  id: string;
  role: ApiRole;
  /** The API token the request came with, if any (open streams are closed when it is revoked). */
  tokenId?: string;
}

/**
 * Keeps checking that what authenticated a long-lived connection (a WebSocket stream) is still
 * valid: a revoked token — through REST or the CLI — closes the stream within `everyMs`.
 */
export function closeWhenRevoked(
  socket: { close(code: number, reason: string): void; on(event: "close", l: () => void): void },
  principal: ApiPrincipal | undefined,
  tokens: ApiTokens | undefined,
  everyMs = 2000,
): void {
  if (!principal?.tokenId || !tokens) return;
  const tokenId = principal.tokenId;
  const timer = setInterval(() => {
    if (!tokens.isActive(tokenId)) {
      clearInterval(timer);
      socket.close(4401, "API token revoked");
    }
  }, everyMs);
  timer.unref();
  socket.on("close", () => clearInterval(timer));
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
      if (!cached || cached.until < Date.now()) {
        const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        const result = colon > 0 ? await devices.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1), request.ip) : undefined;
        if (result && !result.ok && result.reason === "locked_out") return tooManyAttempts(request, reply, result.retryAfterMs);
        if (!result?.ok) {
          cache.delete(key);
          request.log.warn({ reason: result?.reason ?? "malformed" }, "API authentication failed");
          return unauthorized(reply, "wrong credentials");
        }
        if (result.principal.role === "device") return reply.code(403).send(apiError("forbidden", "a device account may not do this"));
        cached = { principal: { id: result.principal.id, role: result.principal.role }, until: Date.now() + CACHE_MS };
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
