// The owner's side of rule partitions (docs/scaling.md): one persistent MQTT session per owned
// partition, with a client id made of the group and the partition number — not of the instance —
// so that whichever instance owns partition p finds the session and the observations queued in it
// while no one did. Messages of one session come in order, one at a time, and are acknowledged
// after the rules have run on them.
import type { MqttClient } from "mqtt";
import type { Logger } from "../../hub/logger.js";
import type { HubMetrics } from "../../hub/metrics.js";
import { topics } from "../../broker/topics.js";
import type { Envelope } from "../envelope.js";
import type { Observation } from "../observation.js";
import { decodeForwardedBatch } from "./forwarded-batch.js";

export interface PartitionConsumerOptions {
  group: string;
  partitions: Iterable<number>;
  /** Opens a persistent session (clean: false) with this client id on the bus the instances share. */
  open: (clientId: string) => MqttClient;
  apply: (observations: readonly Observation[], envelope: Envelope) => void;
  metrics: HubMetrics;
  log: Logger;
}

export function partitionClientId(group: string, partition: number): string {
  return `${group}-p${partition}`;
}

export class PartitionConsumer {
  readonly clients: MqttClient[] = [];

  constructor(private readonly options: PartitionConsumerOptions) {
    for (const partition of options.partitions) {
      const topic = topics.rulePartition(options.group, partition);
      const client = options.open(partitionClientId(options.group, partition));
      // mqtt.js sends the PUBACK when handleMessage calls back (its customHandleAcks is MQTT 5 only,
      // and aedes speaks 3.1.1): the acknowledgement follows the rules.
      client.handleMessage = (packet, callback) => {
        this.handle(partition, packet.payload as Buffer, callback);
      };
      client.on("connect", (connack) => {
        options.log.info({ partition, sessionPresent: connack.sessionPresent }, "rule partition session up");
        // Subscribing again to a session that has the subscription is harmless, and covers a broker that lost it.
        client.subscribe(topic, { qos: 1 }, (error) => {
          if (error) options.log.error({ err: error, partition }, "could not subscribe to a rule partition");
        });
      });
      client.on("error", (error) => options.log.warn({ err: error, partition }, "rule partition session error"));
      this.clients.push(client);
    }
  }

  get connected(): boolean {
    return this.clients.every((c) => c.connected);
  }

  private handle(partition: number, message: Buffer, done: () => void): void {
    const items = decodeForwardedBatch(message);
    if ("error" in items) {
      // Only hubs publish here; an unreadable batch would come back forever if not acknowledged.
      this.options.metrics.partitionObservations.inc({ direction: "refused" });
      this.options.log.error({ partition, error: items.error, bytes: message.length }, "unreadable rule-partition message dropped");
      return done();
    }
    for (const { envelope, observations } of items) {
      try {
        this.options.apply(observations, envelope);
      } catch (error) {
        this.options.log.error({ err: error, partition }, "rules failed on forwarded observations");
      }
      this.options.metrics.partitionObservations.inc({ direction: "applied" }, observations.length);
    }
    done();
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
