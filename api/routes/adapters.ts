// The adapters' states and counters for operators and the hub-health board (the same document as
// the retained ioc/v1/devices/{adapterId}/status message).
import type { FastifyPluginAsync } from "fastify";
import type { AdapterStatusDoc } from "../../adapters/adapter-status.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

export const adapterRoutes =
  (statuses: () => AdapterStatusDoc[], auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    const read = requireRole(auth, ["operator", "fisheries", "environment"]);
    app.get(
      "/api/v1/adapters",
      { preHandler: read, schema: { summary: "Every configured adapter: state, last error, counters" } },
      async () => statuses(),
    );
    app.get<{ Params: { id: string } }>(
      "/api/v1/adapters/:id",
      { preHandler: read, schema: { summary: "One adapter's state, last error and counters" } },
      async (request, reply) => {
        const found = statuses().find((s) => s.adapter === request.params.id);
        return found ?? reply.code(404).send(apiError("not_found", `no adapter "${request.params.id}"`));
      },
    );
  };
