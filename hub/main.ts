// The composition root: the only place that opens files, spawns influxd and listens on ports.
import { mkdirSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { createApp } from "../api/create-app.js";
import type { Readiness } from "../api/routes/health.js";
import { HubBroker } from "../broker/create-broker.js";
import { DeviceRegistry } from "../broker/device-registry.js";
import { DeadLetterLog } from "../ingest/dead-letter.js";
import { Counter } from "prom-client";
import { aisMessageCounts } from "../ingest/decoders/ais-nmea.js";
import { decoders } from "../ingest/decoders/registry.js";
import { IngestPipeline } from "../ingest/pipeline.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { InfluxClient } from "../ingest/sink/influx-client.js";
import { InfluxWriter } from "../ingest/sink/influx-writer.js";
import { InfluxdNotInstalledError, ManagedInfluxd } from "../ingest/sink/managed-influxd.js";
import { Spool } from "../ingest/sink/spool.js";
import { type Database, openDatabase } from "../store/database.js";
import { VesselIdentity } from "../vessels/vessel-identity.js";
import { VesselRegistry } from "../vessels/vessel-registry.js";
import { ZoneStore } from "../geofence/zone-store.js";
import { VesselRuleEngine } from "../geofence/rule-engine.js";
import { alertLine } from "../alerts/alert-transition.js";
import { packageRoot } from "./package-root.js";
import type { HubConfig } from "./config.js";
import type { Logger } from "./logger.js";
import { HubMetrics } from "./metrics.js";
import { hubMetricLines } from "./self-metrics.js";

export interface Ports {
  mqtt: number;
  http: number;
  influx: number | null;
}

export interface RunningHub {
  ports: Ports;
  influxUrl: string | undefined;
  stop(): Promise<void>;
}

function listenTcp(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolvePort(typeof address === "object" && address ? address.port : port);
    });
  });
}

export async function startHub(config: HubConfig, log: Logger): Promise<RunningHub> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const metrics = new HubMetrics();
  new Counter({
    name: "ioc_ais_messages_total",
    help: "AIS messages decoded, by message type (types the hub stores nothing for are counted too)",
    labelNames: ["type"],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const [type, n] of aisMessageCounts()) this.inc({ type: String(type) }, n);
    },
  });
  const db: Database = openDatabase(dataDir);
  const registry = new DeviceRegistry(db);
  const schemas = new SchemaRegistry();
  const vesselRegistry = new VesselRegistry(db, schemas, new RegExp(config.vessels.registrationPattern, "u"));
  const identity = new VesselIdentity(vesselRegistry, db, log.child({ component: "vessels" }));
  const identityFlush = setInterval(() => identity.flush(), 5_000);
  const zones = new ZoneStore(db, resolve(config.zones.dir ?? join(packageRoot, "zones")));
  const spool = await Spool.open(join(dataDir, "spool"), config.spool, log.child({ component: "spool" }));
  spool.on("commit", (seconds: number) => metrics.spoolFsync.observe(seconds));
  const deadLetter = new DeadLetterLog(join(dataDir, "dead-letter"), config.deadLetter);

  // InfluxDB: the configured one, else a managed influxd, else spool only until one is configured.
  let managed: ManagedInfluxd | undefined;
  let influxUrl = config.influx.url;
  if (!influxUrl) {
    managed = new ManagedInfluxd({
      dataDir: join(dataDir, "influxdb"),
      binary: config.influx.influxdPath,
      log: log.child({ component: "influxd" }),
      supervise: true,
    });
    try {
      await managed.start();
      influxUrl = managed.url;
      log.info({ url: influxUrl, dataDir: managed.dataDir }, "started a managed influxd");
    } catch (error) {
      managed = undefined;
      if (!(error instanceof InfluxdNotInstalledError)) throw error;
      log.warn(
        { reason: error.message },
        "no InfluxDB: every accepted reading is kept in the spool until IOC_INFLUX_URL is set or influxd is installed, then the hub is restarted",
      );
    }
  }
  let writer: InfluxWriter | undefined;
  let influxClient: InfluxClient | undefined;
  if (influxUrl) {
    const client = new InfluxClient({ ...config.influx, url: influxUrl });
    influxClient = client;
    writer = new InfluxWriter(
      spool,
      client,
      {
        batchSize: config.influx.batchSize,
        concurrency: config.influx.concurrency,
        flushIntervalMs: config.influx.flushIntervalMs,
        maxRetryDelayMs: config.influx.maxRetryDelayMs,
        prepare: async () => {
          const server = await client.ping();
          if (await client.ensureDatabase()) log.info({ db: config.influx.db, version: server.version }, "InfluxDB database ready");
        },
      },
      deadLetter,
      metrics,
      log.child({ component: "influx-writer" }),
    );
    writer.start();
  }

  let broker: HubBroker | undefined;
  // Vessel rules: alert transitions go to operators over MQTT and into InfluxDB's `alert` measurement.
  const alertLog = log.child({ component: "vessel-rules" });
  const ruleEngine = new VesselRuleEngine(
    () => zones.index,
    (transition) => {
      alertLog.info(
        { rule: transition.rule, subject: transition.subject, state: transition.state, severity: transition.severity },
        transition.message,
      );
      broker?.publishAlert(transition);
      spool.append(`${alertLine(transition)}\n`, 1).catch((error) => alertLog.error({ err: error }, "could not store an alert"));
    },
    undefined,
    (vessel) => vesselRegistry.find(vessel)?.lengthM,
  );
  const pipeline = new IngestPipeline({
    schemas,
    decoders,
    sink: spool,
    deadLetter,
    metrics,
    log: log.child({ component: "ingest" }),
    limits: config.ingest,
    resolve: identity.resolve,
    rules: [ruleEngine.observe],
    onRejected: (envelope, rejection) => broker?.reportRejection(envelope, rejection),
  });
  broker = await HubBroker.create({
    registry,
    metrics,
    log: log.child({ component: "broker" }),
    options: config.mqtt,
    pipeline,
  });
  const activeBroker = broker;

  const mqttServer = createServer((socket) => activeBroker.handle(socket, "mqtt"));
  const mqttPort = await listenTcp(mqttServer, config.mqtt.port, config.bind);

  const readiness = (): Readiness => {
    const stats = spool.stats();
    const full = stats.bytes >= config.spool.maxBytes * 0.999;
    const brokerUp = !activeBroker.aedes.closed && mqttServer.listening;
    return {
      ready: brokerUp && !full,
      broker: brokerUp ? "up" : "down",
      influx: !writer ? "not-configured" : writer.healthy ? "writing" : "spooling",
      influxError: writer?.lastError,
      spool: { bytes: stats.bytes, points: stats.points, oldestAgeMs: stats.oldestAgeMs, full },
    };
  };
  const app: FastifyInstance = await createApp({
    log,
    schemas,
    registry: metrics.registry,
    readiness,
    broker: activeBroker,
    vessels: { registry: vesselRegistry, identity, devices: registry, influx: () => influxClient, pipeline },
    zones: { store: zones, devices: registry },
    maxWebSocketBytes: config.mqtt.maxPacketBytes + 16,
    beforeScrape: () => {
      const stats = spool.stats();
      metrics.spoolBytes.set(stats.bytes);
      metrics.spoolPoints.set(stats.points);
      metrics.spoolAge.set(stats.oldestAgeMs / 1000);
    },
  });
  await app.listen({ port: config.http.port, host: config.bind });
  const httpAddress = app.server.address();
  const httpPort = typeof httpAddress === "object" && httpAddress ? httpAddress.port : config.http.port;

  // The hub's own counters, into InfluxDB through the spool (the hub-health dashboard reads them).
  const selfMetricsTimer =
    config.influx.selfMetricsIntervalMs > 0
      ? setInterval(() => {
          hubMetricLines(metrics, spool.stats(), activeBroker.connectedClients, Date.now())
            .then((lines) => spool.append(`${lines.join("\n")}\n`, lines.length))
            .catch((error) => log.warn({ err: error }, "could not record the hub's own metrics"));
        }, config.influx.selfMetricsIntervalMs)
      : undefined;

  const ports: Ports = { mqtt: mqttPort, http: httpPort, influx: managed ? managed.httpPort : null };
  writeFileSync(join(dataDir, "ports.json"), `${JSON.stringify(ports)}\n`);
  log.info({ ports, bind: config.bind, influx: influxUrl ?? "none (spooling)" }, "ioc-hub started");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("ioc-hub stopping: no new connections, draining in-flight work");
      clearInterval(selfMetricsTimer);
      clearInterval(identityFlush);
      // Stop accepting first; the server's close completes only once the broker has closed the clients.
      const serverClosed = new Promise<void>((r) => mqttServer.close(() => r()));
      await activeBroker.close();
      await serverClosed;
      await app.close();
      await writer?.stop(5_000);
      await spool.close().catch((error) => log.error({ err: error }, "spool close failed"));
      await deadLetter.close();
      await managed?.stop();
      identity.flush();
      db.close();
      log.info({ spool: spool.stats() }, "ioc-hub stopped");
    })());
  return { ports, influxUrl, stop };
}
