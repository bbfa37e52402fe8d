// The composition root: the only place that opens files, spawns influxd and listens on ports.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { createServer as createHttpsServer } from "node:https";
import { type Server, type Socket, createServer } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { createApp } from "../api/create-app.js";
import type { Readiness } from "../api/routes/health.js";
import { clientAddress } from "../broker/client-address.js";
import { proxyHeaderBytes } from "../broker/proxy-protocol.js";
import { HubBroker } from "../broker/create-broker.js";
import { DeviceRegistry } from "../broker/device-registry.js";
import { LoginGuard } from "../broker/login-guard.js";
import type { MqttClient } from "mqtt";
import { PartitionConsumer } from "../ingest/partitions/partition-consumer.js";
import { parseOwnedPartitions, partitionOf, stationSubject, vesselSubject } from "../ingest/partitions/partition-of.js";
import { RulePartitions } from "../ingest/partitions/rule-partitions.js";
import { DeadLetterLog } from "../ingest/dead-letter.js";
import { Counter } from "prom-client";
import { aisMessageCounts } from "../ingest/decoders/ais-nmea.js";
import { decoders } from "../ingest/decoders/registry.js";
import type { Envelope } from "../ingest/envelope.js";
import { IngestPipeline } from "../ingest/pipeline.js";
import type { Rejection } from "../ingest/rejection.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { InfluxClient } from "../ingest/sink/influx-client.js";
import { InfluxWriter } from "../ingest/sink/influx-writer.js";
import { InfluxdNotInstalledError, ManagedInfluxd } from "../ingest/sink/managed-influxd.js";
import { Spool } from "../ingest/sink/spool.js";
import { type Database, openDatabase } from "../store/database.js";
import { VesselIdentity } from "../vessels/vessel-identity.js";
import { VesselRegistry } from "../vessels/vessel-registry.js";
import { ZoneStore } from "../geofence/zone-store.js";
import { Land } from "../geofence/land.js";
import { VesselRuleEngine } from "../geofence/rule-engine.js";
import { AlertLifecycle } from "../alerts/alert-lifecycle.js";
import { alertsNoLongerJudged } from "../alerts/stale-alerts.js";
import { loadStations } from "./stations-file.js";
import { AlertMetrics } from "../alerts/alert-metrics.js";
import { pruneAlerts } from "../alerts/alert-retention.js";
import { AlertInfluxRecorder } from "../alerts/alert-influx-recorder.js";
import type { AlertTransition } from "../alerts/alert-transition.js";
import { envIndexLine } from "../alerts/indices/env-index-line.js";
import { StationIndices } from "../alerts/indices/station-indices.js";
import { MqttAlertPublisher } from "../alerts/mqtt-alert-publisher.js";
import { RuleStateStore } from "../alerts/rule-state-store.js";
import { type RulesConfig, defaultRulesFile, loadRulesFile, parseRulesConfig } from "../alerts/rules-config.js";
import { SensorRuleEngine } from "../alerts/sensor-rule-engine.js";
import { WebhookDelivery, defaultWebhookOptions } from "../alerts/webhook-delivery.js";
import { ApiTokens } from "../api/api-tokens.js";
import { AdapterManager } from "../adapters/adapter-manager.js";
import { LivePositions } from "../api/live-positions.js";
import { adapterStatusLine } from "../adapters/adapter-status-line.js";
import { packageRoot } from "./package-root.js";
import type { HubConfig } from "./config.js";
import type { Logger } from "./logger.js";
import { DowntimeLog } from "./downtime-log.js";
import { worthLogging } from "./log-throttle.js";
import { HubMetrics } from "./metrics.js";
import { hubMetricLines } from "./self-metrics.js";
import { tlsMaterial, tlsServerOptions } from "./tls-material.js";
import { trustedProxies } from "../broker/trusted-proxies.js";

/** What the hub publishes through and reports rejections to: the embedded broker or an external one. */
interface MessageBus {
  publish(topic: string, payload: string, retain?: boolean): Promise<void>;
  /** A persistent MQTT session of the hub on the bus the instances share (rule partitions). */
  openSession(clientId: string): MqttClient;
  reportRejection(envelope: Envelope, rejection: Rejection): void;
  close(): Promise<void>;
}

export interface Ports {
  /** Plain MQTT over TCP; null when mqtt.plain is false. */
  mqtt: number | null;
  /** Plain HTTP; null when http.plain is false. */
  http: number | null;
  influx: number | null;
  /** MQTT over TLS and HTTPS/WSS; null without tls.certFile. */
  mqtts: number | null;
  https: number | null;
}

export interface RunningHub {
  ports: Ports;
  influxUrl: string | undefined;
  stop(): Promise<void>;
  /** Re-reads the TLS certificate, key and CA (SIGHUP); open connections are kept. */
  reloadTls(): void;
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
  // Checked before anything starts: a bad stations file is a configuration error.
  const stations = loadStations(
    config.stations.file ? resolve(config.stations.file) : join(packageRoot, "dashboards", "maps", "ioc-stations.geojson"),
  );
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
  registry.guard = new LoginGuard({
    maxFailuresPerId: config.security.loginMaxFailuresPerId,
    maxFailuresPerIp: config.security.loginMaxFailuresPerIp,
    windowMs: config.security.loginWindowMs,
    lockoutMs: config.security.lockoutMs,
    maxLockoutMs: config.security.maxLockoutMs,
  });
  const schemas = new SchemaRegistry();
  const vesselRegistry = new VesselRegistry(db, schemas, new RegExp(config.vessels.registrationPattern, "u"));
  const identity = new VesselIdentity(vesselRegistry, db, log.child({ component: "vessels" }));
  // Timers that write SQLite must survive a full or read-only disk: log, and try again next round.
  const identityFlush = setInterval(() => {
    try {
      identity.flush();
    } catch (error) {
      log.warn({ err: error }, "could not save the AIS transmitter table; retrying");
    }
  }, 5_000);
  const forgetTransmitters = () => {
    try {
      const forgotten = identity.forgetSilentUnregistered(Date.now() - config.rules.forgetUnregisteredVesselsAfterHours * 3_600_000);
      if (forgotten > 0)
        log.info(
          { forgotten },
          "forgot AIS transmitters and VMS terminals not in the register and silent past rules.forgetUnregisteredVesselsAfterHours",
        );
    } catch (error) {
      log.warn({ err: error }, "could not prune the AIS transmitter table; retrying");
    }
  };
  forgetTransmitters();
  const transmitterSweep = setInterval(forgetTransmitters, 3_600_000).unref();
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

  // Alerts: rule transitions → lifecycle (SQLite) → events to InfluxDB `alert`, MQTT, WebSocket, webhooks.
  const alertLog = log.child({ component: "alerts" });
  const lifecycle = new AlertLifecycle(db, config.alerts);
  lifecycle.onEvent((event) => {
    alertLog.info(
      { alert: event.alert.id, rule: event.alert.rule, subject: event.alert.subject, event: event.type, notify: event.notify },
      event.alert.message,
    );
  });
  const alertMetrics = new AlertMetrics(metrics.registry, db, lifecycle);
  const alertRecorder = new AlertInfluxRecorder(db, lifecycle.store, spool, alertLog);
  lifecycle.onEvent(alertRecorder.record);
  alertRecorder.start();
  // Alerts that ended long ago leave the database (alerts/alert-retention.ts): at start, then hourly.
  let pruning: Promise<void> | undefined;
  const pruneOldAlerts = () => {
    if (pruning || config.alerts.retentionDays === 0) return;
    const days = config.alerts.retentionDays;
    pruning = pruneAlerts(db, Date.now() - days * 86_400_000)
      .then((pruned) => {
        if (pruned.alerts + pruned.deadLetters > 0)
          alertLog.info({ ...pruned, retentionDays: days }, "deleted alerts that ended past alerts.retentionDays");
      })
      .catch((error) => alertLog.warn({ err: error }, "could not delete old alerts; retrying in an hour"))
      .finally(() => {
        pruning = undefined;
      });
  };
  pruneOldAlerts();
  const alertRetentionSweep = setInterval(pruneOldAlerts, 3_600_000).unref();
  // A rule stage must never fail ingest: a transition that cannot be recorded is logged.
  // The transitions of an event-loop turn are recorded together at its end, in one SQLite
  // transaction: an alert storm (a province-wide episode, a provider back with its fleet) cost a
  // commit per transition. The rule state of their subjects is saved right after them, not at the
  // next periodic flush: an alert committed as raised while its rule state is lost at a kill would
  // never be cleared; a kill before the turn's end loses both together, and the rules raise the
  // alert again from the next readings. Only those subjects' state: saving every changed state on
  // each transition cost ~8 % of the fan-in benchmark's throughput.
  const pendingTransitions: AlertTransition[] = [];
  const transitionSubjects = new Set<string>();
  let transitionFlush: NodeJS.Immediate | undefined;
  const recordTransitions = () => {
    if (transitionFlush) clearImmediate(transitionFlush);
    transitionFlush = undefined;
    try {
      lifecycle.applyAll(pendingTransitions.splice(0), (transition, error) => {
        alertMetrics.transitionsFailed.inc();
        alertLog.error({ err: error, rule: transition.rule, subject: transition.subject }, "could not record an alert transition");
      });
    } catch (error) {
      alertLog.error({ err: error }, "could not deliver alert events"); // recorded; the channels resume from their cursors
    }
    try {
      ruleStates.sensor.save(sensorEngine.takeChangesOf(transitionSubjects));
      ruleStates.vessel.save(ruleEngine.takeChangesOf(transitionSubjects));
    } catch (error) {
      alertLog.error({ err: error }, "could not save rule state");
    }
    transitionSubjects.clear();
  };
  const applyTransition = (transition: AlertTransition) => {
    pendingTransitions.push(transition);
    transitionSubjects.add(transition.subject);
    transitionFlush ??= setImmediate(recordTransitions);
  };
  const settingsRow = db.prepare("SELECT value FROM settings WHERE key = 'rules'").get() as { value: string } | undefined;
  let rules: RulesConfig = settingsRow
    ? parseRulesConfig(JSON.parse(settingsRow.value), "the rules stored by PUT /api/v1/rules")
    : loadRulesFile(config.rules.file ? resolve(config.rules.file) : defaultRulesFile);
  // The hub's own downtime is not the stations' or the vessels' silence (alerts/timer-clock.ts).
  const downtime = new DowntimeLog(db);
  const wasDown = downtime.start();
  if (wasDown) {
    alertLog.info(
      { downFrom: new Date(wasDown.fromMs).toISOString(), minutes: Math.round((wasDown.toMs - wasDown.fromMs) / 60_000) },
      "the hub was down since its last heartbeat: that time does not count toward stations offline or vessels going dark",
    );
  }
  const sensorEngine = new SensorRuleEngine(rules, applyTransition, downtime);
  const landFile = resolve(config.zones.landFile ?? join(packageRoot, "geofence", "land", "hue-land.geojson"));
  const land = Land.fromFile(landFile, () => zones.index);
  const ruleEngine = new VesselRuleEngine(() => zones.index, applyTransition, undefined, {
    vesselLengthM: (vessel) => vesselRegistry.find(vessel)?.lengthM,
    land,
    forgetUnregisteredAfterMs: config.rules.forgetUnregisteredVesselsAfterHours * 3_600_000,
    downtime,
  });
  ruleEngine.configure(rules.vessel);
  const stationIndices = new StationIndices((value) => {
    spool.append(`${envIndexLine(value)}\n`, 1).catch((error) => alertLog.error({ err: error }, "could not store an index"));
    // Hourly indices go through the sensor rules as values of their own quantity (index-category).
    if (value.period === "1h") {
      sensorEngine.evaluate({
        station: value.station,
        kind: value.index === "vn_wqi" ? "water" : "air",
        quantity: value.index,
        value: value.value,
        timeMs: value.timeMs,
        receivedAtMs: Date.now(),
      });
    }
  });
  const ownedPartitions = parseOwnedPartitions(config.rules.ownedPartitions, config.rules.partitions);
  const ruleStates = {
    sensor: new RuleStateStore(db, "sensor"),
    vessel: new RuleStateStore(db, "vessel"),
    index: new RuleStateStore(db, "index"),
  };
  // Only the state of owned partitions is loaded: a partition given up (rules.ownedPartitions
  // changed) must not time out as offline or dark here; its rows stay in the database.
  const owns = (subject: string) => ownedPartitions.has(partitionOf(subject, config.rules.partitions));
  sensorEngine.restore(ruleStates.sensor.load().filter(([key]) => owns(stationSubject(key.split("|")[1] ?? ""))));
  // Vessel keys are `<rule>/<vessel>` and `last/<vessel>`; `outage/<receiver>` is not a vessel's.
  ruleEngine.restore(
    ruleStates.vessel.load().filter(([key]) => key.startsWith("outage/") || owns(vesselSubject(key.slice(key.indexOf("/") + 1)))),
  );
  stationIndices.restore(ruleStates.index.load().filter(([station]) => owns(stationSubject(station))));
  const saveRuleStates = () => {
    try {
      ruleStates.sensor.save(sensorEngine.takeChanges());
      ruleStates.vessel.save(ruleEngine.takeChanges());
      ruleStates.index.save(stationIndices.takeChanges());
      downtime.heartbeat();
    } catch (error) {
      alertLog.error({ err: error }, "could not save rule state");
    }
  };
  // Open environment alerts the rules no longer judge would stay open for good (alerts/stale-alerts.ts).
  const clearNoLongerJudged = (next: RulesConfig, previous?: RulesConfig) => {
    for (const transition of alertsNoLongerJudged(lifecycle.store.open(), next, Date.now(), previous)) {
      sensorEngine.forget(transition.rule, transition.subject, transition.detail ?? "");
      applyTransition(transition);
    }
  };
  clearNoLongerJudged(rules);
  const rulesAccess = {
    current: () => rules,
    replace: (value: unknown) => {
      const next = parseRulesConfig(value, "the rules config");
      db.prepare("INSERT INTO settings (key, value) VALUES ('rules', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
        JSON.stringify(next),
      );
      sensorEngine.configure(next);
      ruleEngine.configure(next.vessel);
      clearNoLongerJudged(next, rules);
      rules = next;
      alertLog.info({ sensorRules: next.sensor.length }, "rules config replaced");
      return next;
    },
  };
  const ruleTimer = setInterval(() => {
    try {
      sensorEngine.tick();
      ruleEngine.tick();
      lifecycle.tick();
    } catch (error) {
      alertLog.error({ err: error }, "timer rules failed");
    }
  }, config.rules.tickIntervalMs);
  const stateTimer = setInterval(saveRuleStates, config.rules.stateFlushIntervalMs);
  const webhooks = new WebhookDelivery(db, lifecycle.store, log.child({ component: "webhooks" }), {
    ...defaultWebhookOptions,
    maxAgeMs: config.alerts.webhookMaxAgeMs,
    maxRetryMs: config.alerts.webhookMaxRetryDelayMs,
  });
  lifecycle.onEvent(webhooks.notify);
  webhooks.start();
  const tokens = new ApiTokens(db);
  const livePositions = new LivePositions();
  // Rule state by subject across instances (docs/scaling.md): partitions owned elsewhere are handed
  // to their owner over the shared broker (Redis-backed aedes, or the external broker).
  const partitions =
    ownedPartitions.size < config.rules.partitions
      ? new RulePartitions(
          config.rules.partitions,
          ownedPartitions,
          config.rules.partitionGroup,
          (topic, payload) => bus.publish(topic, payload),
          (observations) => metrics.partitionObservations.inc({ direction: "forwarded" }, observations),
        )
      : undefined;
  const pipeline = new IngestPipeline({
    schemas,
    decoders,
    sink: spool,
    deadLetter,
    metrics,
    log: log.child({ component: "ingest" }),
    limits: config.ingest,
    resolve: identity.resolve,
    rules: [ruleEngine.observe, sensorEngine.observe, stationIndices.observe],
    views: [livePositions.observe],
    ...(partitions && { partitions }),
    onRejected: (envelope, rejection) => bus?.reportRejection(envelope, rejection),
  });
  // The embedded broker, or (mqtt.external.url) an ingest worker on an external broker cluster.
  // The scale-out modules (mqtt client, ioredis, …) load only when configured: ~10 MB of heap a
  // single hub does not carry.
  const external = config.mqtt.external.url
    ? new (await import("../broker/external-broker.js")).ExternalBroker(
        {
          url: config.mqtt.external.url,
          username: config.mqtt.external.username,
          password: config.mqtt.external.password,
          shareGroup: config.mqtt.external.shareGroup,
          clientId:
            config.mqtt.external.clientId ?? `ioc-ingest-${hostname()}-${createHash("sha256").update(dataDir).digest("hex").slice(0, 8)}`,
          sessionExpirySeconds: config.mqtt.external.sessionExpirySeconds,
          connections: config.mqtt.external.connections,
        },
        pipeline,
        log.child({ component: "external-broker" }),
      )
    : undefined;
  const embedded = external
    ? undefined
    : await HubBroker.create({
        registry,
        metrics,
        log: log.child({ component: "broker" }),
        options: { ...config.mqtt, proxyList: trustedProxies(config.mqtt.trustedProxies) },
        pipeline,
        ...(config.mqtt.redis.url && {
          redis: (await import("../broker/redis-backends.js")).createRedisBackends(
            config.mqtt.redis.url,
            config.mqtt.redis,
            log.child({ component: "redis" }),
          ),
        }),
      });
  const bus: MessageBus = external ?? (embedded as HubBroker);
  // The owner's side: one persistent session per owned partition on the shared bus.
  const partitionLog = log.child({ component: "rule-partitions" });
  const partitionConsumer =
    config.rules.partitions > 1 && (external || config.mqtt.redis.url)
      ? new PartitionConsumer({
          group: config.rules.partitionGroup,
          partitions: ownedPartitions,
          apply: (observations, envelope) => pipeline.applyRules(observations, envelope),
          metrics,
          log: partitionLog,
          open: (clientId) => bus.openSession(clientId),
        })
      : undefined;
  const alertPublisher = new MqttAlertPublisher(
    db,
    lifecycle.store,
    (topic, payload, retain) => bus.publish(topic, payload, retain),
    alertLog,
    partitions && { owned: config.rules.ownedPartitions, of: config.rules.partitions },
  );
  lifecycle.onEvent(alertPublisher.deliver);
  void alertPublisher.start();
  // Serial ports, sockets and Modbus buses: the same pipeline as MQTT (docs/adapters.md).
  const adapters = new AdapterManager(config.adapters, {
    target: pipeline,
    log: log.child({ component: "adapters" }),
    registry: metrics.registry,
    deadLetter,
    publish: (topic, payload, retain) => bus.publish(topic, payload, retain),
    alert: applyTransition,
  });
  adapters.start();

  const mqttServer = createServer((socket) => embedded?.afterProxyHeader(socket, () => embedded.handle(socket, "mqtt")));
  const mqttPort = config.mqtt.plain && embedded ? await listenTcp(mqttServer, config.mqtt.port, config.bind) : null;
  // MQTT over TLS: the same broker; a valid client certificate can stand for the password (broker/authenticate.ts).
  const tlsLog = log.child({ component: "tls" });
  const mqttsServer =
    config.tls.certFile && embedded
      ? createTlsServer(tlsServerOptions(config.tls), (socket) => embedded.handle(socket, "mqtt"))
      : undefined;
  let tlsRefused = 0;
  mqttsServer?.on("tlsClientError", (error, socket) => {
    // A connection closed before it sent a byte is no handshake: a load balancer's TCP health check
    // (every few seconds; with its PROXY header only, behind a trusted proxy) or a port scan. The TCP
    // socket under the TLS one counts what was read.
    const tcp = (socket as { _parent?: Socket | null })._parent ?? socket;
    if (tcp.bytesRead - proxyHeaderBytes(tcp) === 0) return;
    metrics.authFailures.inc({ reason: "tls_handshake_failed" });
    const refused = ++tlsRefused;
    if (worthLogging(refused)) tlsLog.warn({ remote: clientAddress(socket), error: error.message, refused }, "TLS handshake refused");
  });
  // TLS connections arrive on a TCP listener of ours and are handed to the TLS server once a trusted
  // proxy's PROXY header (which comes before the handshake) is read.
  const mqttsListener = mqttsServer
    ? createServer((socket) => embedded?.afterProxyHeader(socket, () => mqttsServer.emit("connection", socket)))
    : undefined;
  const mqttsPort = mqttsListener ? await listenTcp(mqttsListener, config.tls.mqttPort, config.bind) : null;

  const readiness = (): Readiness => {
    const stats = spool.stats();
    const full = stats.bytes >= config.spool.maxBytes * 0.999;
    const brokerUp = external
      ? external.connected
      : Boolean(embedded?.backendsReady && !embedded.aedes.closed && (mqttServer.listening || mqttsListener?.listening));
    return {
      ready: brokerUp && !full && spool.writeError === undefined,
      storage: spool.writeError ?? "ok",
      ...(embedded && config.mqtt.redis.url && { redis: embedded.backendsReady ? "up" : "down" }),
      ...(partitionConsumer && {
        rulePartitions: { owned: [...ownedPartitions], of: config.rules.partitions, sessions: partitionConsumer.connected ? "up" : "down" },
      }),
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
    ...(embedded && { broker: embedded }),
    vessels: { registry: vesselRegistry, identity, devices: { devices: registry, tokens }, influx: () => influxClient, pipeline },
    zones: { store: zones, devices: { devices: registry, tokens } },
    alerts: { lifecycle, auth: { devices: registry, tokens }, rules: rulesAccess, webhooks, db },
    adapters: () => adapters.statuses(),
    console: {
      auth: { devices: registry, tokens },
      landFile,
      stations,
      influx: () => influxClient,
      positions: livePositions,
    },
    maxWebSocketBytes: config.mqtt.maxPacketBytes + 16,
    ...(config.http.trustedProxies && { trustedProxies: config.http.trustedProxies }),
    beforeScrape: () => {
      const stats = spool.stats();
      metrics.spoolBytes.set(stats.bytes);
      metrics.spoolPoints.set(stats.points);
      metrics.spoolAge.set(stats.oldestAgeMs / 1000);
      metrics.ingestWaiting.set(pipeline.waiting);
    },
  });
  let httpPort: number | null = null;
  if (config.http.plain) {
    await app.listen({ port: config.http.port, host: config.bind });
    const httpAddress = app.server.address();
    httpPort = typeof httpAddress === "object" && httpAddress ? httpAddress.port : config.http.port;
  } else {
    await app.ready();
  }
  // HTTPS and WSS: the same app behind a TLS server (requests go to its router, upgrades to its WebSocket handler).
  const httpsServer = config.tls.certFile
    ? createHttpsServer(tlsServerOptions(config.tls), (request, response) => app.routing(request, response))
    : undefined;
  httpsServer?.on("upgrade", (request, socket, head) => app.server.emit("upgrade", request, socket, head));
  httpsServer?.on("tlsClientError", (error, socket) =>
    tlsLog.warn({ remote: socket.remoteAddress, error: error.message }, "TLS handshake refused"),
  );
  const httpsPort = httpsServer ? await listenTcp(httpsServer as unknown as Server, config.tls.httpsPort, config.bind) : null;
  const reloadTls = () => {
    if (!config.tls.certFile) return;
    try {
      const material = tlsMaterial(config.tls);
      mqttsServer?.setSecureContext({ ...tlsServerOptions(config.tls), ...material });
      httpsServer?.setSecureContext({ ...tlsServerOptions(config.tls), ...material });
      tlsLog.info({ certFile: config.tls.certFile }, "TLS certificate reloaded; open connections keep theirs");
    } catch (error) {
      tlsLog.error({ err: error }, "TLS reload failed: the previous certificate stays in force");
    }
  };

  // The hub's own counters, into InfluxDB through the spool (the hub-health dashboard reads them).
  const selfMetricsTimer =
    config.influx.selfMetricsIntervalMs > 0
      ? setInterval(() => {
          const now = Date.now();
          hubMetricLines(metrics, spool.stats(), embedded?.connectedClients ?? 0, now)
            .then((lines) => [...lines, ...adapters.statusObjects().map((s) => adapterStatusLine(s, now))])
            .then((lines) => spool.append(`${lines.join("\n")}\n`, lines.length))
            .catch((error) => log.warn({ err: error }, "could not record the hub's own metrics"));
        }, config.influx.selfMetricsIntervalMs)
      : undefined;

  const ports: Ports = { mqtt: mqttPort, http: httpPort, influx: managed ? managed.httpPort : null, mqtts: mqttsPort, https: httpsPort };
  writeFileSync(join(dataDir, "ports.json"), `${JSON.stringify(ports)}\n`);
  log.info({ ports, bind: config.bind, influx: influxUrl ?? "none (spooling)" }, "ioc-hub started");

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info("ioc-hub stopping: no new connections, draining in-flight work");
      clearInterval(selfMetricsTimer);
      clearInterval(identityFlush);
      clearInterval(transmitterSweep);
      clearInterval(alertRetentionSweep);
      clearInterval(ruleTimer);
      clearInterval(stateTimer);
      recordTransitions();
      webhooks.stop();
      await adapters.stop(); // their queued lines still go through the pipeline into the spool
      // Stop accepting first; the server's close completes only once the broker has closed the clients.
      const serverClosed = Promise.all(
        [mqttServer, mqttsListener, httpsServer].map(
          (server) => new Promise<void>((r) => (server?.listening ? server.close(() => r()) : r())),
        ),
      );
      httpsServer?.closeAllConnections();
      await alertPublisher.drain();
      await alertRecorder.drain();
      await partitionConsumer?.close();
      await bus.close();
      await serverClosed;
      await app.close();
      await writer?.stop(5_000);
      await spool.close().catch((error) => log.error({ err: error }, "spool close failed"));
      await deadLetter.close();
      await managed?.stop();
      identity.flush();
      await pruning;
      if (pendingTransitions.length > 0) recordTransitions(); // raised while stopping (adapters)
      saveRuleStates();
      db.close();
      log.info({ spool: spool.stats() }, "ioc-hub stopped");
    })());
  return { ports, influxUrl, stop, reloadTls };
}
