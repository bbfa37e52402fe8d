// Liveness and readiness for orchestrators and load balancers.
import type { FastifyPluginAsync } from "fastify";

export interface Readiness {
  ready: boolean;
  broker: "up" | "down";
  influx: "writing" | "spooling" | "not-configured";
  influxError?: string | undefined;
  spool: { bytes: number; points: number; oldestAgeMs: number; full: boolean };
  /** "ok", or the error of the last failed write to the data directory (ENOSPC, EROFS, …). */
  storage?: string;
  /** Shared aedes on Redis (mqtt.redis.url): whether every connection to Redis is up. */
  redis?: "up" | "down";
  /** Rule partitions this instance owns, and whether their sessions are connected. */
  rulePartitions?: { owned: number[]; of: number; sessions: "up" | "down" };
}

export const healthRoutes =
  (readiness: () => Readiness): FastifyPluginAsync =>
  async (app) => {
    app.get("/healthz", async () => ({ status: "ok" }));
    app.get("/readyz", async (_request, reply) => {
      const state = readiness();
      return reply.code(state.ready ? 200 : 503).send(state);
    });
  };
