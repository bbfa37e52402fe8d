// Shared aedes on Redis (DESIGN.md §7, docs/scaling.md): several hub instances behind a TCP load
// balancer share one message bus (mqemitter-redis: a publish on one instance reaches subscribers on
// every instance) and one persistence (aedes-persistence-redis: retained messages, subscriptions
// of persistent sessions, queued and in-flight QoS 1 messages). A device can reconnect to any
// instance and find its session. Nothing here is the hub's own clustering: both are the moscajs
// libraries aedes is designed around.
import { createRequire } from "node:module";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../hub/logger.js";

const require = createRequire(import.meta.url);
// CommonJS factories without type declarations of their own (mqemitter-redis has some, but they
// describe a constructor that is called as a function).
const mqemitterRedis = require("mqemitter-redis") as (options: { subConn: Redis; pubConn: Redis }) => AedesMq & {
  state: { on(event: "error", listener: (error: Error) => void): void };
};
const aedesPersistenceRedis = require("aedes-persistence-redis") as (options: {
  conn: Redis;
  maxSessionDelivery: number;
}) => AedesPersistence;

interface AedesMq {
  close(callback: () => void): void;
}
/** Opaque to the hub: aedes calls it. */
type AedesPersistence = object;

export interface RedisBackends {
  mq: AedesMq;
  persistence: AedesPersistence;
  /** True while every connection to Redis is up (readiness). */
  ready(): boolean;
  /** Drops the connections to Redis (after aedes.close()). */
  destroy(): Promise<void>;
}

/**
 * The subscriber connection skips ioredis' handshake commands (CLIENT SETINFO, the INFO ready check).
 * A (P)SUBSCRIBE sent while they are in flight, as aedes subscribes while the connection comes up,
 * puts the connection in subscriber mode; the handshake then fails ("Connection in subscriber mode,
 * only subscriber commands may be used"), ioredis reconnects, and subscriptions made meanwhile can be
 * lost (ioredis #2037, from 5.8.2). Seen here: an instance that never received its own subscription
 * broadcasts, so persistent subscriptions on it never got their SUBACK. A subscriber needs neither
 * command: pub/sub works while Redis is still loading its data.
 */
export const SUBSCRIBER_CONNECTION_OPTIONS = { enableReadyCheck: false, disableClientInfo: true } as const;

export function createRedisBackends(url: string, options: { maxSessionDelivery: number }, log: Logger): RedisBackends {
  // One connection each: the emitter needs a subscriber connection of its own (Redis pub/sub), the
  // persistence one for commands. ioredis reconnects with its own backoff and queues commands meanwhile.
  const connect = (role: string, extra: RedisOptions = {}) => {
    const connection = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null, ...extra });
    let down = false;
    connection.on("error", (error: Error) => {
      if (!down) log.warn({ role, error: error.message }, "Redis connection lost; retrying");
      down = true;
    });
    connection.on("ready", () => {
      if (down) log.info({ role }, "Redis connection back");
      down = false;
    });
    return connection;
  };
  const connections = [connect("publish"), connect("subscribe", SUBSCRIBER_CONNECTION_OPTIONS), connect("persistence")] as const;
  const [pubConn, subConn, conn] = connections;
  const mq = mqemitterRedis({ pubConn, subConn });
  // The emitter re-emits its connections' errors on `state`; unheard, one Redis outage would crash
  // the process. They are logged once per outage by the connections' own listeners above.
  mq.state.on("error", () => undefined);
  return {
    mq,
    persistence: aedesPersistenceRedis({ conn, maxSessionDelivery: options.maxSessionDelivery }),
    ready: () => connections.every((c) => c.status === "ready"),
    destroy: async () => {
      // The persistence's own destroy() unsubscribes through the emitter, which aedes.close() has
      // already closed; disconnecting is all that is left to do.
      for (const connection of connections) connection.disconnect();
    },
  };
}
