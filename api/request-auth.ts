// HTTP Basic authentication against the device registry, for operator and integration accounts.
// Verified credentials are cached for a minute so that a dashboard polling the API does not pay a
// scrypt hash per request; a disabled or rotated account is refused again within that minute.
import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Principal, Role } from "../broker/acl.js";
import type { DeviceRegistry } from "../broker/device-registry.js";
import { apiError } from "./api-error.js";

const CACHE_MS = 60_000;

declare module "fastify" {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function requireRole(devices: DeviceRegistry, roles: readonly Role[]) {
  const cache = new Map<string, { principal: Principal; until: number }>();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? "";
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (!match) {
      return reply
        .code(401)
        .header("www-authenticate", 'Basic realm="ioc-hub"')
        .send(apiError("unauthorized", "HTTP Basic credentials required"));
    }
    const key = createHash("sha256").update(header).digest("base64");
    let principal = cache.get(key);
    if (!principal || principal.until < Date.now()) {
      const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const result = colon > 0 ? await devices.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
      if (!result?.ok) {
        cache.delete(key);
        request.log.warn({ reason: result?.reason ?? "malformed" }, "API authentication failed");
        return reply.code(401).header("www-authenticate", 'Basic realm="ioc-hub"').send(apiError("unauthorized", "wrong credentials"));
      }
      principal = { principal: result.principal, until: Date.now() + CACHE_MS };
      cache.set(key, principal);
    }
    if (!roles.includes(principal.principal.role)) {
      return reply.code(403).send(apiError("forbidden", `a ${principal.principal.role} account may not do this`));
    }
    request.principal = principal.principal;
  };
}
