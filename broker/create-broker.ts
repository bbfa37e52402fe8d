// The embedded MQTT broker: aedes with the hub's hooks (one file each) and the packet-size cap.
// It never listens itself: hub/main.ts hands it TCP and WebSocket streams through handle().
import type { IncomingMessage } from "node:http";
import type { BlockList, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { Aedes, type Client } from "aedes";
import type { MqttClient } from "mqtt";
import { worthLogging } from "../hub/log-throttle.js";
import type { Logger } from "../hub/logger.js";
import type { HubMetrics } from "../hub/metrics.js";
import type { Envelope, Via } from "../ingest/envelope.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Rejection } from "../ingest/rejection.js";
import { remoteOf, createAuthenticate } from "./authenticate.js";
import { createAuthorizeForward } from "./authorize-forward.js";
import { createAuthorizePublish } from "./authorize-publish.js";
import { createAuthorizeSubscribe } from "./authorize-subscribe.js";
import type { BrokerContext } from "./broker-context.js";
import { coalesceWrites } from "./coalesced-writes.js";
import type { DeviceRegistry } from "./device-registry.js";
import { duplexPair } from "./in-process-link.js";
import { enforceMaxPacketSize } from "./max-packet-size.js";
import { usePacketBuffer } from "./packet-buffer.js";
import { ReadBudget } from "./read-budget.js";
import { cacheMatches, cacheOfflineSubscriptions } from "./topic-match-cache.js";
import { useDequeForWaitingMessages } from "./message-bus-queue.js";
import { ingestErrorPayload } from "./ingest-error-payload.js";
import type { RedisBackends } from "./redis-backends.js";
import { createPreConnect } from "./pre-connect.js";
import { clientAddress } from "./client-address.js";
import { readProxyHeader } from "./proxy-protocol.js";
import { fromTrustedProxy } from "./trusted-proxies.js";
import { RateLimiter } from "./rate-limiter.js";
import { topics } from "./topics.js";

export interface BrokerOptions {
  maxPacketBytes: number;
  publishRatePerSecond: number;
  publishBurst: number;
  /** How often open connections are checked against the registry (disabled, rotated); default 2 s. */
  revocationCheckMs?: number;
  maxConnections?: number;
  maxConnectionsPerIp?: number;
  maxTopicLength?: number;
  maxTopicLevels?: number;
  connectTimeoutMs?: number;
  /** TCP proxies whose connections start with a PROXY protocol header (mqtt.trustedProxies, parsed). */
  proxyList?: BlockList | undefined;
  drainTimeoutMs?: number;
}

export class HubBroker {
  readonly context: BrokerContext;

  private constructor(
    readonly aedes: Aedes,
    context: BrokerContext,
    private readonly options: BrokerOptions,
    private readonly redis?: RedisBackends,
    /** The mqtt client class, loaded only for the shared broker (the one user of openSession). */
    private readonly mqttClient?: typeof MqttClient,
  ) {
    this.context = context;
  }

  static async create(deps: {
    registry: DeviceRegistry;
    metrics: HubMetrics;
    log: Logger;
    options: BrokerOptions;
    pipeline: IngestPipeline;
    /** Shared aedes: message bus and persistence in Redis (mqtt.redis.url); in memory without. */
    redis?: RedisBackends;
  }): Promise<HubBroker> {
    const aedes = await Aedes.createBroker({
      ...(deps.redis && { mq: deps.redis.mq, persistence: deps.redis.persistence }),
      // Messages the bus delivers at once. A group commit acknowledges thousands of publishes in one
      // turn; at 1,000 the rest waited in the bus's queue for later turns (QoS 1 fan-in 70,179 against
      // 73,914 msg/s at 10,000, interleaved, medians of 4). It bounds parallelism, not memory: what is
      // past it waits in the queue all the same, and a subscriber that stops reading is cut off by drainTimeout.
      concurrency: 10_000,
      connectTimeout: deps.options.connectTimeoutMs ?? 10_000,
      drainTimeout: deps.options.drainTimeoutMs ?? 60_000,
    });
    // The in-memory bus only (with Redis, aedes' mq is mqemitter-redis and stays as it is).
    if (!deps.redis) {
      const mq = (aedes as unknown as { mq: { _matcher: Parameters<typeof cacheMatches>[0] } }).mq; // not in its type declarations
      useDequeForWaitingMessages(mq);
      // Subscriptions change only here (in Redis, other instances change them too).
      cacheMatches(mq._matcher);
      // aedes-persistence's in-memory store, inside its callback adapter.
      const persistence = (aedes as unknown as { persistence: { asyncPersistence?: unknown } }).persistence;
      cacheOfflineSubscriptions((persistence.asyncPersistence ?? persistence) as Parameters<typeof cacheOfflineSubscriptions>[0]);
    }
    const context: BrokerContext = {
      principals: new WeakMap(),
      transports: new WeakMap(),
      emptyIdPersistent: new WeakSet(),
      byCertificate: new WeakSet(),
      internal: new WeakSet(),
      metrics: deps.metrics,
      log: deps.log,
      publishError: (deviceId, error) => {
        aedes.publish(
          {
            cmd: "publish",
            topic: topics.errors(deviceId),
            payload: Buffer.from(JSON.stringify({ receivedAt: new Date().toISOString(), ...error })),
            qos: 1,
            retain: false,
            dup: false,
          },
          (err?: Error) => {
            if (err) deps.log.warn({ err, deviceId }, "could not publish an ingest error");
          },
        );
      },
    };
    const connected = new WeakMap<Client, number>();
    const limiter = new RateLimiter(deps.options.publishRatePerSecond, deps.options.publishBurst);
    aedes.preConnect = createPreConnect(context);
    aedes.authenticate = createAuthenticate(context, deps.registry);
    const topicLimits = { maxLength: deps.options.maxTopicLength ?? 256, maxLevels: deps.options.maxTopicLevels ?? 10 };
    aedes.authorizePublish = createAuthorizePublish(context, deps.pipeline, limiter, topicLimits);
    aedes.authorizeSubscribe = createAuthorizeSubscribe(context, topicLimits);
    aedes.authorizeForward = createAuthorizeForward(context);
    aedes.on("clientReady", (client: Client) => {
      deps.metrics.connectedClients.inc();
      connected.set(client, Date.now());
      deps.log.debug({ clientId: client.id, deviceId: context.principals.get(client)?.id }, "MQTT client connected");
    });
    aedes.on("clientDisconnect", (client: Client) => {
      deps.metrics.connectedClients.dec();
      const principal = context.principals.get(client);
      if (principal) limiter.forget(principal.id);
      deps.log.debug({ clientId: client.id, deviceId: principal?.id }, "MQTT client disconnected");
    });
    aedes.on("clientError", (client: Client, error: Error) => {
      deps.log.info(
        { clientId: client.id, deviceId: context.principals.get(client)?.id, error: error.message },
        "MQTT client error; connection closed",
      );
    });
    const broker = new HubBroker(aedes, context, deps.options, deps.redis, deps.redis && (await import("mqtt")).MqttClient);
    deps.metrics.readsDeferredSource = () => broker.readBudget.deferredReads;
    // Credentials changed while connected (disabled, removed or rotated — by the CLI, which writes the
    // same database, or by REST): the connection is closed at the next sweep, so a revoked device does
    // not keep publishing on an old session.
    const sweep = setInterval(() => {
      // aedes keeps its connected clients by id (not in its type declarations).
      for (const client of Object.values((aedes as unknown as { clients: Record<string, Client> }).clients)) {
        const principal = context.principals.get(client);
        const since = connected.get(client);
        if (!principal || since === undefined || context.internal.has(client)) continue;
        const device = deps.registry.find(principal.id);
        const rotated = device && !context.byCertificate.has(client) && Date.parse(device.rotatedAt) > since;
        if (device && !device.disabled && !rotated) continue;
        const reason = !device ? "removed" : device.disabled ? "disabled" : "given a new password";
        deps.metrics.authFailures.inc({ reason: "credentials_revoked" });
        deps.log.warn({ deviceId: principal.id, clientId: client.id }, `device ${reason} while connected: connection closed`);
        connected.delete(client);
        client.close();
      }
    }, deps.options.revocationCheckMs ?? 2000);
    sweep.unref();
    aedes.once("closed", () => clearInterval(sweep));
    return broker;
  }

  private readonly connectionsByIp = new Map<string, number>();
  /** One budget for all connections: it bounds what the whole broker has read and not yet acknowledged. */
  private readonly readBudget = new ReadBudget();
  private refusedConnections = 0;
  private openConnections = 0;
  private refusedAtLimit = 0;
  private refusedProxyHeaders = 0;

  /**
   * Calls `next` for a new TCP connection: once its PROXY protocol header is read when it comes from
   * a proxy in mqtt.trustedProxies, at once otherwise. TLS connections come here before their
   * handshake, which a proxy passing TLS through sends after the header.
   */
  afterProxyHeader(socket: Socket, next: () => void): void {
    // A peer gone before its connection is served (a health check that resets at once) has no
    // address any more: nothing to serve, and its bytes are no client's to judge.
    if (socket.remoteAddress === undefined) {
      socket.destroy();
      return;
    }
    const trusted = this.options.proxyList;
    if (!trusted || !fromTrustedProxy(trusted, socket.remoteAddress)) return next();
    readProxyHeader(socket, this.options.connectTimeoutMs ?? 10_000).then(next, (error: Error) => {
      this.context.metrics.authFailures.inc({ reason: "proxy_protocol_invalid" });
      const refused = ++this.refusedProxyHeaders;
      if (worthLogging(refused))
        this.context.log.warn({ proxy: socket.remoteAddress, error: error.message, refused }, "connection from a trusted proxy refused");
      socket.destroy();
    });
  }

  /** Serves one connection (a TCP or TLS socket, or a WebSocket as a stream). */
  handle(stream: Duplex, via: Via, request?: IncomingMessage): void {
    // At most mqtt.maxConnections in all, authenticated or not: each costs ~21 KB of heap (measured
    // with 2,000), so a flood from many hosts is refused here rather than growing the heap to its cap.
    if (this.openConnections >= (this.options.maxConnections ?? Number.POSITIVE_INFINITY)) {
      this.context.metrics.authFailures.inc({ reason: "connection_limit" });
      const refused = ++this.refusedAtLimit;
      if (worthLogging(refused))
        this.context.log.warn({ open: this.openConnections, refused }, "connection refused: mqtt.maxConnections reached");
      stream.destroy();
      return;
    }
    // At most mqtt.maxConnectionsPerIp open connections from one address (a flood from one host
    // cannot take every file descriptor); the rest are closed before any MQTT is read.
    const ip = clientAddress(stream, request);
    if (ip !== undefined) {
      const open = this.connectionsByIp.get(ip) ?? 0;
      if (open >= (this.options.maxConnectionsPerIp ?? Number.POSITIVE_INFINITY)) {
        this.context.metrics.authFailures.inc({ reason: "too_many_connections" });
        const refused = ++this.refusedConnections;
        if (worthLogging(refused)) this.context.log.warn({ remote: ip, open, refused }, "connection refused: too many from this address");
        stream.destroy();
        return;
      }
      this.connectionsByIp.set(ip, open + 1);
      stream.once("close", () => {
        const left = (this.connectionsByIp.get(ip) ?? 1) - 1;
        if (left <= 0) this.connectionsByIp.delete(ip);
        else this.connectionsByIp.set(ip, left);
      });
    }
    this.openConnections++;
    stream.once("close", () => this.openConnections--);
    coalesceWrites(stream);
    const client = this.aedes.handle(stream, request);
    usePacketBuffer(client);
    this.readBudget.attach(client);
    this.context.transports.set(client, via);
    enforceMaxPacketSize(client, this.options.maxPacketBytes, (length) => {
      const principal = this.context.principals.get(client);
      this.context.metrics.messagesRejected.inc("payload_too_large");
      this.context.log.warn(
        { deviceId: principal?.id, remote: remoteOf(client), length },
        "MQTT packet over the size limit; closing the connection",
      );
      if (principal) {
        this.context.publishError(principal.id, {
          reason: "payload_too_large",
          message: `packet of ${length} bytes is over the ${this.options.maxPacketBytes}-byte limit`,
          topic: "",
          receivedAt: new Date().toISOString(),
        });
      }
    });
  }

  /**
   * A persistent session of the hub itself on this broker (with Redis, on the shared broker), over
   * an in-process stream: no socket, no password; a reconnect opens a new stream.
   */
  openSession(clientId: string): MqttClient {
    if (!this.mqttClient) throw new Error("hub sessions on the broker exist only with the shared (Redis) broker");
    return new this.mqttClient(
      () => {
        const [hubSide, brokerSide] = duplexPair();
        this.context.internal.add(this.aedes.handle(brokerSide));
        return hubSide;
      },
      { protocolVersion: 4, clientId, clean: false, reconnectPeriod: 1000 },
    );
  }

  /** The ioc/v1/errors/{deviceId} payload for a rejection (schemas/ingest-error.schema.json). */
  reportRejection(envelope: Envelope, rejection: Rejection): void {
    this.context.publishError(envelope.deviceId, ingestErrorPayload(envelope, rejection));
  }

  /** Publishes a message of the hub (alerts, summaries) at QoS 1; resolves once aedes has routed it. */
  publish(topic: string, payload: string, retain = false): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain, dup: false }, (error?: Error) =>
        error ? reject(error) : resolve(),
      );
    });
  }

  get connectedClients(): number {
    return this.aedes.connectedClients;
  }

  /** Whether the shared backends (Redis) are reachable; always true without them. */
  get backendsReady(): boolean {
    return this.redis?.ready() ?? true;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await this.redis?.destroy();
  }
}
