// The rules config over REST: anyone who handles alerts may read it; only admins replace it. A PUT is
// validated like the file (errors name the bad key), stored in the database (it wins over the file
// from then on) and takes effect at once; state of unchanged rule entries is kept.
import type { FastifyPluginAsync } from "fastify";
import { type RulesConfig, RulesConfigError, rulesConfigSchema } from "../../alerts/rules-config.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

export interface RulesAccess {
  current(): RulesConfig;
  replace(value: unknown): RulesConfig;
}

export const rulesRoutes =
  (rules: RulesAccess, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    const read = requireRole(auth, ["operator", "fisheries", "environment"]);
    const admin = requireRole(auth, ["admin"]);
    app.get("/api/v1/rules", { preHandler: read, schema: { summary: "The rules config in force" } }, async () => rules.current());
    app.get("/api/v1/rules/schema", { preHandler: read, schema: { summary: "JSON Schema of the rules config" } }, async () =>
      rulesConfigSchema(),
    );
    app.put("/api/v1/rules", { preHandler: admin, schema: { summary: "Replace the rules config (admin)" } }, async (request, reply) => {
      try {
        return rules.replace(request.body);
      } catch (error) {
        if (error instanceof RulesConfigError) return reply.code(400).send(apiError("rules_invalid", error.message));
        throw error;
      }
    });
  };
