// Builds the HTTP app (REST, metrics, MQTT over WebSocket). Never listens: hub/main.ts does, and
// tests use app.inject().
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import type { AlertLifecycle } from "../alerts/alert-lifecycle.js";
import type { WebhookDelivery } from "../alerts/webhook-delivery.js";
import type { Database } from "../store/database.js";
import type { ApiTokens } from "./api-tokens.js";
import type { ApiAuth } from "./request-auth.js";
import type { AdapterStatusDoc } from "../adapters/adapter-status.js";
import { adapterRoutes } from "./routes/adapters.js";
import { type ConsoleDeps, consoleRoutes } from "./routes/console.js";
import { alertRoutes } from "./routes/alerts.js";
import { deviceRoutes } from "./routes/devices.js";
import { maintenanceRoutes } from "./routes/maintenance.js";
import { type RulesAccess, rulesRoutes } from "./routes/rules.js";
import { tokenRoutes } from "./routes/tokens.js";
import { webhookRoutes } from "./routes/webhooks.js";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { HubBroker } from "../broker/create-broker.js";
import type { Logger } from "../hub/logger.js";
import type { SchemaRegistry } from "../ingest/schema-registry.js";
import { apiError } from "./api-error.js";
import { type Readiness, healthRoutes } from "./routes/health.js";
import { metricsRoutes } from "./routes/metrics.js";
import { mqttWebSocketRoutes } from "./routes/mqtt-websocket.js";
import { schemaRoutes } from "./routes/schemas.js";
import { vesselRoutes } from "./routes/vessels.js";
import { vesselTrackRoutes } from "./routes/vessel-tracks.js";
import { vmsNafRoutes } from "./routes/vms-naf.js";
import { zoneRoutes } from "./routes/zones.js";
import type { ZoneStore } from "../geofence/zone-store.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { InfluxClient } from "../ingest/sink/influx-client.js";
import type { VesselIdentity } from "../vessels/vessel-identity.js";
import type { VesselRegistry } from "../vessels/vessel-registry.js";
import type { Registry } from "prom-client";

export interface AppDeps {
  log: Logger;
  schemas: SchemaRegistry;
  registry: Registry;
  readiness: () => Readiness;
  beforeScrape?: () => void;
  broker?: HubBroker;
  /** The zone set and who may change it. */
  zones?: { store: ZoneStore; devices: ApiAuth };
  /** The vessel register and who may use it (the routes are left out without them). */
  vessels?: {
    registry: VesselRegistry;
    identity: VesselIdentity;
    /** Who may use them: operator and integration accounts, and API tokens. */
    devices: ApiAuth;
    /** Where stored positions are read from (undefined while there is no InfluxDB). */
    influx: () => InfluxClient | undefined;
    /** The ingest pipeline, for VMS reports pushed over HTTP. */
    pipeline: Pick<IngestPipeline, "ingest">;
  };
  maxWebSocketBytes?: number;
  /** http.trustedProxies: addresses and CIDR ranges whose X-Forwarded-For is believed. */
  trustedProxies?: string;
  /** Alerts, their rules and delivery, for operators and officers (left out without them). */
  alerts?: {
    lifecycle: AlertLifecycle;
    auth: ApiAuth & { tokens: ApiTokens };
    rules: RulesAccess;
    webhooks: WebhookDelivery;
    db: Database;
  };
  /** The adapters' statuses (GET /api/v1/adapters), read with the alerts' auth. */
  adapters?: () => AdapterStatusDoc[];
  /** The operator console and its map data. */
  console?: ConsoleDeps;
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ component: "http" }) as FastifyBaseLogger,
    // A reverse proxy's X-Request-Id is kept; otherwise fastify numbers requests. Every log line of a
    // request carries it (reqId) and every response returns it, so an operator's report finds the log.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    requestIdHeader: "x-request-id",
    bodyLimit: 1024 * 1024,
    // Behind a reverse proxy listed in http.trustedProxies, request.ip is the client X-Forwarded-For
    // names: the address the login lockout, the WebSocket connection limit and the logs see.
    trustProxy: deps.trustedProxies ?? false,
  });
  // Hardening (docs/security.md): no CORS headers at all (the console is same-origin), no sniffing,
  // no framing, no referrer, a CSP that allows only the hub's own scripts, styles and sockets.
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-request-id", request.id);
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "no-referrer");
    reply.header(
      "content-security-policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
    return payload;
  });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ioc-hub API",
        version: "1",
        description: "REST API of the IoT telemetry hub (alerts, vessels, zones, schemas, health)",
      },
      components: {
        securitySchemes: {
          basic: {
            type: "http",
            scheme: "basic",
            description: "operator or integration account (ioc-hub devices add <id> --role operator)",
          },
          bearer: {
            type: "http",
            scheme: "bearer",
            description: "API token (ioc-hub tokens add <name> --role operator|fisheries|environment|admin)",
          },
        },
      },
      security: [{ basic: [] }, { bearer: [] }],
    },
  });
  app.get("/docs/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(websocket, { options: { maxPayload: deps.maxWebSocketBytes ?? 512 * 1024 } });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError("not_found", `no route ${request.method} ${request.url}`)));
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    // No stack traces in responses; the request id ties the answer to the log line.
    return reply
      .code(status)
      .send(status >= 500 ? apiError("internal_error", `internal error (request ${request.id})`) : apiError("bad_request", error.message));
  });
  await app.register(healthRoutes(deps.readiness));
  await app.register(metricsRoutes(deps.registry, deps.beforeScrape));
  await app.register(schemaRoutes(deps.schemas));
  if (deps.broker) await app.register(mqttWebSocketRoutes(deps.broker));
  if (deps.zones) await app.register(zoneRoutes(deps.zones.store, deps.zones.devices));
  if (deps.vessels) {
    const v = deps.vessels;
    // Static routes (/latest) and the track come before /:id within one encapsulated plugin each.
    await app.register(vesselTrackRoutes(v.influx, v.registry, v.devices));
    await app.register(vesselRoutes(v.registry, v.identity, v.devices));
    await app.register(vmsNafRoutes(v.pipeline, v.devices));
  }
  if (deps.alerts) {
    const a = deps.alerts;
    await app.register(alertRoutes(a.lifecycle, a.auth));
    await app.register(rulesRoutes(a.rules, a.auth));
    await app.register(maintenanceRoutes(a.db, a.auth));
    await app.register(tokenRoutes(a.auth.tokens, a.auth));
    await app.register(deviceRoutes(a.auth.devices, a.auth));
    await app.register(webhookRoutes(a.webhooks, a.auth));
    if (deps.adapters) await app.register(adapterRoutes(deps.adapters, a.auth));
  }
  if (deps.console) await app.register(consoleRoutes(deps.console));
  return app;
}
