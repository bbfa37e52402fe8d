// Scale-out on an external broker (DESIGN.md §7): the hub runs with its embedded broker off, as an
// ingest worker. Devices connect to the external broker (EMQX, HiveMQ, Mosquitto 2), which
// authenticates them; the workers share the data topics through an MQTT 5 shared subscription
// (`$share/<group>/…`), so each message goes to one worker. A message is acknowledged (PUBACK) only
// after the pipeline has it in the worker's durable spool. mqtt.js handles one incoming message of
// a connection at a time until it is acknowledged, so a worker opens several connections to the
// group (`connections`): their messages meet in one group commit of the spool; a refused one (spool full, disk full) is
// not acknowledged: the worker drops its connection and the broker redelivers it to the session
// when the worker is back (clean: false, a long session expiry). Errors, alerts and adapter status
// go back through the same connection.
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Logger } from "../hub/logger.js";
import type { Envelope } from "../ingest/envelope.js";
import { NotAcceptedError } from "../ingest/pipeline.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Rejection } from "../ingest/rejection.js";
import { ingestErrorPayload } from "./ingest-error-payload.js";
import { TOPIC_ROOT, parseDataTopic, topics } from "./topics.js";

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  shareGroup: string;
  clientId: string;
  sessionExpirySeconds: number;
  /** Connections (members of the share group) per worker: messages in flight at once. */
  connections: number;
}

export class ExternalBroker {
  readonly clients: MqttClient[];
  /**
   * What the worker publishes (errors, alerts, observations for other rule partitions) goes out on a
   * connection of its own: a share-group connection reads nothing further — a PUBACK included —
   * while it holds a message, so a forward awaited inside ingest would wait for itself.
   */
  private readonly publisher: MqttClient;
  private refused = 0;

  constructor(
    private readonly options: ExternalBrokerOptions,
    private readonly pipeline: Pick<IngestPipeline, "ingest">,
    private readonly log: Logger,
  ) {
    const filters = [`${TOPIC_ROOT}/sensors/+/+`, `${TOPIC_ROOT}/ais/+/nmea`, `${TOPIC_ROOT}/vessels/+/+`].map(
      (filter) => `$share/${options.shareGroup}/${filter}`,
    );
    this.publisher = mqtt.connect(options.url, {
      protocolVersion: 5,
      clientId: `${options.clientId}-out`,
      username: options.username,
      password: options.password,
      reconnectPeriod: 1000,
    });
    this.publisher.on("error", (error) => log.warn({ err: error }, "external broker connection error (publisher)"));
    this.clients = Array.from({ length: options.connections }, (_, i) => {
      // Stable per worker and connection: the session (and its unacknowledged messages) is found again after a restart.
      const client: MqttClient = this.openSession(`${options.clientId}-${i}`, {
        // The PUBACK waits for the durable spool (see handle).
        customHandleAcks: (topic, message, _packet, done) => this.handle(client, topic, message, done),
      });
      client.on("connect", (connack) => {
        log.info({ url: options.url, connection: i, sessionPresent: connack.sessionPresent }, "connected to the external broker");
        if (!connack.sessionPresent) {
          client.subscribe(filters, { qos: 1 }, (error) => {
            if (error) log.error({ err: error }, "could not subscribe to the data topics on the external broker");
          });
        }
      });
      client.on("error", (error) => log.warn({ err: error, connection: i }, "external broker connection error"));
      return client;
    });
  }

  /** A persistent session (clean: false, the configured expiry) on the external broker. */
  openSession(clientId: string, extra: IClientOptions = {}): MqttClient {
    const { url, sessionExpirySeconds, username, password } = this.options;
    return mqtt.connect(url, {
      protocolVersion: 5,
      clientId,
      clean: false,
      properties: { sessionExpiryInterval: sessionExpirySeconds },
      username,
      password,
      reconnectPeriod: 1000,
      ...extra,
    });
  }

  get connected(): boolean {
    return this.publisher.connected && this.clients.some((c) => c.connected);
  }

  private handle(client: MqttClient, topic: string, message: Buffer, done: (error: number | Error, reasonCode?: number) => void): void {
    const data = parseDataTopic(topic);
    if (!data) return done(0);
    // The external broker authenticated the device and enforced its ACL: the topic names it.
    const envelope: Envelope = {
      via: "mqtt",
      format: data.format,
      deviceId: data.subjectId,
      subjectId: data.subjectId,
      topic,
      receivedAt: Date.now(),
      bytes: message,
    };
    this.pipeline.ingest(envelope).then(
      () => done(0),
      (error: Error) => {
        // Not stored: no PUBACK. Dropping the connection makes the broker redeliver it to this
        // worker's session after the reconnect, by which time the spool may take it again.
        this.refused++;
        if (!(error instanceof NotAcceptedError)) this.log.error({ err: error, topic }, "ingest failed");
        this.log.warn({ topic, refused: this.refused }, "message not stored: reconnecting so the broker redelivers it");
        client.stream.destroy();
      },
    );
  }

  publish(topic: string, payload: string, retain = false): Promise<void> {
    return this.publisher.publishAsync(topic, payload, { qos: 1, retain }).then(() => undefined);
  }

  /** Tells the device on ioc/v1/errors/{deviceId}, through the external broker. */
  reportRejection(envelope: Envelope, rejection: Rejection): void {
    this.publish(topics.errors(envelope.deviceId), JSON.stringify(ingestErrorPayload(envelope, rejection))).catch((error) =>
      this.log.warn({ err: error, deviceId: envelope.deviceId }, "could not publish an ingest error"),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients, this.publisher].map((c) => c.endAsync()));
  }
}
