// POST /api/v1/vms/naf: VMS centres push NAF position reports over HTTP (text/plain, one or more
// records). The records go through the same pipeline as MQTT; the answer says what was refused.
import type { FastifyPluginAsync } from "fastify";
import { type IngestPipeline, NotAcceptedError } from "../../ingest/pipeline.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

export const vmsNafRoutes =
  (pipeline: Pick<IngestPipeline, "ingest">, devices: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(devices, ["integration", "operator"]));
    app.post("/api/v1/vms/naf", async (request, reply) => {
      if (typeof request.body !== "string") return reply.code(400).send(apiError("bad_request", "send NAF records as text/plain"));
      const principal = request.principal as { id: string };
      try {
        const outcome = await pipeline.ingest({
          via: "http",
          format: "vms-naf",
          deviceId: principal.id,
          subjectId: principal.id,
          receivedAt: Date.now(),
          bytes: Buffer.from(request.body, "utf8"),
        });
        return reply.code(outcome.accepted > 0 || outcome.rejections.length === 0 ? 200 : 422).send({
          accepted: outcome.accepted,
          rejected: outcome.rejections.map((r) => ({
            reason: r.reason,
            message: r.message,
            ...(r.path !== undefined && { path: r.path }),
          })),
        });
      } catch (error) {
        if (error instanceof NotAcceptedError) return reply.code(503).send(apiError("spool_full", error.message));
        throw error;
      }
    });
  };
