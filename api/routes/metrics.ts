// Prometheus scrape endpoint.
import type { FastifyPluginAsync } from "fastify";
import type { Registry } from "prom-client";

export const metricsRoutes =
  (registry: Registry, beforeScrape?: () => void): FastifyPluginAsync =>
  async (app) => {
    app.get("/metrics", async (_request, reply) => {
      beforeScrape?.();
      return reply.header("content-type", registry.contentType).send(await registry.metrics());
    });
  };
