// aedes authorizePublish hook. Runs before aedes sends the PUBACK, so it is where a device's data is
// ingested: the PUBACK goes out only after the pipeline has put the observations in the durable spool.
import type { Client, PublishPacket } from "aedes";
import type { Envelope } from "../ingest/envelope.js";
import { NotAcceptedError } from "../ingest/pipeline.js";
import { RefusalLogGate } from "../ingest/refusal-log-gate.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import { canPublish } from "./acl.js";
import type { BrokerContext } from "./broker-context.js";
import type { RateLimiter } from "./rate-limiter.js";
import { type TopicLimits, mayRetain, parseDataTopic, topicOverLimits } from "./topics.js";

/**
 * Where a refused publish is sent instead: aedes cannot drop a publish it has authorised, and MQTT
 * 3.1.1 lets a server acknowledge an unauthorised PUBLISH and discard it [MQTT-3.3.5-2]. Nobody can
 * subscribe to `$` topics here (and `#` never matches them, [MQTT-4.7.2-1]).
 */
export const DISCARD_TOPIC = "$SYS/ioc-hub/discarded";

export function createAuthorizePublish(context: BrokerContext, pipeline: IngestPipeline, limiter: RateLimiter, limits: TopicLimits) {
  // A denied publish is acknowledged, so a misconfigured device goes on at its full rate.
  const deniedLog = new RefusalLogGate();
  return (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    if (!client) return callback(null); // the hub's own publishes and stale wills
    const principal = context.principals.get(client);
    if (!principal) return callback(new Error("not authenticated"));
    const topic = packet.topic;
    const oversized = topicOverLimits(topic, limits);
    const decision = oversized ? { allowed: false as const, reason: oversized } : canPublish(principal, topic);
    if (!decision.allowed) {
      context.metrics.authFailures.inc({ reason: "publish_denied" });
      context.metrics.messagesRejected.inc("publish_denied");
      const deniedThisMinute = deniedLog.admit(principal.id);
      if (deniedThisMinute !== undefined)
        context.log.warn({ deviceId: principal.id, topic, why: decision.reason, deniedThisMinute }, "publish refused by the topic ACL");
      context.publishError(principal.id, { reason: "publish_denied", message: decision.reason, topic });
      packet.topic = DISCARD_TOPIC;
      packet.retain = false;
      return callback(null);
    }
    if (packet.retain && !mayRetain(topic)) {
      // Retained messages live in the broker's memory for good: only device status is retained, so
      // a client cannot fill the broker with retained spam. The message itself is still delivered.
      packet.retain = false;
      context.metrics.authFailures.inc({ reason: "retain_denied" });
    }
    const data = parseDataTopic(topic);
    if (!data) return callback(null); // device status and other non-data topics pass through
    if (!limiter.take(principal.id)) {
      context.metrics.messagesRejected.inc("rate_limited");
      context.log.warn({ deviceId: principal.id, topic }, "publish rate limit exceeded; closing the connection");
      context.publishError(principal.id, {
        reason: "rate_limited",
        message: "publish rate limit exceeded; slow down and resend (this message was not acknowledged)",
        topic,
      });
      return callback(new Error("publish rate limit exceeded"));
    }
    const envelope: Envelope = {
      via: context.transports.get(client) ?? "mqtt",
      format: data.format,
      deviceId: principal.id,
      deviceKind: principal.kind,
      subjectId: data.subjectId,
      topic,
      receivedAt: Date.now(),
      bytes: packet.payload as Buffer,
    };
    pipeline.ingest(envelope).then(
      () => callback(null),
      (error: Error) => {
        if (!(error instanceof NotAcceptedError)) context.log.error({ err: error, topic }, "ingest failed");
        // No PUBACK: the device keeps the message and resends it after reconnecting.
        callback(error);
      },
    );
  };
}
