// API tokens over REST (admin only): create (the token is shown once), list, revoke (effective at once).
import type { FastifyPluginAsync } from "fastify";
import { ApiTokenError, type ApiTokens, type TokenRole, tokenRoles } from "../api-tokens.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

export const tokenRoutes =
  (tokens: ApiTokens, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(auth, ["admin"]));
    app.get("/api/v1/tokens", { schema: { summary: "API tokens (never their secrets)" } }, async () => ({ tokens: tokens.list() }));
    app.post<{ Body: { name: string; role: TokenRole } }>(
      "/api/v1/tokens",
      {
        schema: {
          summary: "Create an API token; the response holds it, once",
          body: {
            type: "object",
            properties: { name: { type: "string", minLength: 1, maxLength: 100 }, role: { enum: [...tokenRoles] } },
            required: ["name", "role"],
            additionalProperties: false,
          },
        },
      },
      async (request, reply) => {
        const { token, secret } = await tokens.add(request.body.name, request.body.role);
        return reply.code(201).send({ ...token, token: secret });
      },
    );
    app.delete<{ Params: { id: string } }>("/api/v1/tokens/:id", { schema: { summary: "Revoke a token" } }, async (request, reply) => {
      try {
        return tokens.revoke(request.params.id);
      } catch (error) {
        if (error instanceof ApiTokenError) return reply.code(404).send(apiError("not_found", error.message));
        throw error;
      }
    });
  };
