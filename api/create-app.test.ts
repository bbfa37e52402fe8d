import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { HubMetrics } from "../hub/metrics.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { createApp } from "./create-app.js";
import type { Readiness } from "./routes/health.js";

describe("HTTP app", () => {
  let app: FastifyInstance;
  let readiness: Readiness;
  const metrics = new HubMetrics({ processMetrics: false });

  beforeAll(async () => {
    readiness = { ready: true, broker: "up", influx: "writing", spool: { bytes: 0, points: 0, oldestAgeMs: 0, full: false } };
    app = await createApp({
      log: pino({ level: "silent" }),
      schemas: new SchemaRegistry(),
      registry: metrics.registry,
      readiness: () => readiness,
    });
  });
  afterAll(async () => app.close());

  it("answers liveness and readiness", async () => {
    expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
    expect((await app.inject("/readyz")).statusCode).toBe(200);
    readiness = { ...readiness, ready: false, influx: "spooling", spool: { ...readiness.spool, full: true } };
    const notReady = await app.inject("/readyz");
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ influx: "spooling", spool: { full: true } });
  });

  it("serves the published schemas as they are", async () => {
    const list = (await app.inject("/api/v1/schemas")).json();
    expect(list.schemas.map((s: { name: string }) => s.name)).toEqual([
      "sensor-reading",
      "sensor-batch",
      "senml",
      "ingest-error",
      "vessel",
      "vms-position",
    ]);
    const schema = await app.inject("/api/v1/schemas/sensor-reading");
    expect(schema.statusCode).toBe(200);
    expect(schema.headers["content-type"]).toContain("application/schema+json");
    expect(schema.json()).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", title: "Sensor reading" });
    expect((await app.inject("/api/v1/schemas/senml.schema.json")).statusCode).toBe(200);
  });

  it("answers unknown schemas and routes with stable error codes", async () => {
    const missing = await app.inject("/api/v1/schemas/nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: "schema_not_found", message: 'no schema "nope"' } });
    expect((await app.inject("/nothing")).json().error.code).toBe("not_found");
  });

  it("hardens every response: request id, no sniffing or framing, a CSP, no CORS, no-store for the API, no stack traces", async () => {
    const response = await app.inject({ url: "/api/v1/schemas", headers: { origin: "https://evil.example", "x-request-id": "req-42" } });
    expect(response.headers).toMatchObject({
      "x-request-id": "req-42",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    });
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    const missing = await app.inject("/api/v1/nothing");
    expect(missing.statusCode).toBe(404);
    expect(missing.body).not.toMatch(/at .+\.js:\d+/);
    const malformed = await app.inject({
      method: "POST",
      url: "/api/v1/schemas",
      headers: { "content-type": "application/json" },
      payload: "{",
    });
    expect(malformed.statusCode).toBeGreaterThanOrEqual(400);
    expect(malformed.body).not.toMatch(/at .+\.js:\d+/);
  });

  it("exposes Prometheus metrics", async () => {
    metrics.messagesRejected.inc("json_invalid");
    const response = await app.inject("/metrics");
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.body).toContain('ioc_messages_rejected_total{reason="json_invalid"} 1');
  });
});
