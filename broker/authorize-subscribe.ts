// aedes authorizeSubscribe hook. A refused filter is answered with SUBACK 0x80 (MQTT 3.1.1 §3.9.3)
// by passing a null subscription; an error would make aedes drop the whole connection.
import type { Client, Subscription } from "aedes";
import { canSubscribe } from "./acl.js";
import type { BrokerContext } from "./broker-context.js";
import { type TopicLimits, topicOverLimits } from "./topics.js";

export function createAuthorizeSubscribe(context: BrokerContext, limits: TopicLimits) {
  return (
    client: Client,
    subscription: Subscription,
    callback: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const principal = context.principals.get(client);
    const oversized = topicOverLimits(subscription.topic, limits);
    const decision = oversized
      ? { allowed: false as const, reason: oversized }
      : principal
        ? canSubscribe(principal, subscription.topic)
        : { allowed: false as const, reason: "not authenticated" };
    if (decision.allowed) return callback(null, subscription);
    context.metrics.authFailures.inc({ reason: "subscribe_denied" });
    context.log.warn(
      { deviceId: principal?.id, filter: subscription.topic, why: decision.reason },
      "subscription refused by the topic ACL",
    );
    callback(null, null);
  };
}
