// What the aedes hooks share: who each connected client is, and how the hub talks back to devices.
import type { Client } from "aedes";
import type { Logger } from "../hub/logger.js";
import type { HubMetrics } from "../hub/metrics.js";
import type { Via } from "../ingest/envelope.js";
import type { Principal } from "./acl.js";

export interface BrokerContext {
  principals: WeakMap<Client, Principal>;
  transports: WeakMap<Client, Via>;
  /** Clients that sent a zero-length client id with clean session false ([MQTT-3.1.3-8]). */
  emptyIdPersistent: WeakSet<Client>;
  /** Clients that logged in with a client certificate (a password rotation does not revoke them). */
  byCertificate: WeakSet<Client>;
  /** The hub's own sessions over in-process streams (rule-partition consumers): no password, never revoked. */
  internal: WeakSet<Client>;
  metrics: HubMetrics;
  log: Logger;
  /** Publishes an ingest-error payload on ioc/v1/errors/{deviceId}. */
  publishError: (deviceId: string, error: Record<string, unknown>) => void;
}
