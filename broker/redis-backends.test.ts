// The shared-aedes subscriber connection against a real redis-server: patterns subscribed the moment
// the connection comes up (as aedes does while it starts) take, with no failed handshake and no
// reconnect. With ioredis' default handshake every such connection failed here (ioredis #2037).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestRedis, startRedisServer } from "../test/support/redis-server.js";
import { SUBSCRIBER_CONNECTION_OPTIONS } from "./redis-backends.js";

describe("the shared-aedes subscriber connection", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("takes subscriptions made while it connects, without a failed handshake", async () => {
    const publisher = new Redis(redis.url);
    const subscribers = Array.from(
      { length: 20 },
      () => new Redis(redis.url, { maxRetriesPerRequest: null, ...SUBSCRIBER_CONNECTION_OPTIONS }),
    );
    const errors: string[] = [];
    const received = new Set<number>();
    await Promise.all(
      subscribers.map(
        (subscriber, i) =>
          new Promise<void>((resolve) => {
            subscriber.on("error", (error: Error) => errors.push(error.message));
            subscriber.on("pmessage", () => received.add(i));
            // On "connect": the handshake, if any, is in flight right then.
            subscriber.once("connect", () => {
              subscriber.psubscribe(`ioc/${i}/*`).then(
                () => resolve(),
                (error: Error) => {
                  errors.push(error.message);
                  resolve();
                },
              );
            });
          }),
      ),
    );
    for (let i = 0; i < subscribers.length; i++) await publisher.publish(`ioc/${i}/x`, "m");
    for (let wait = 0; wait < 100 && received.size < subscribers.length; wait++) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([]);
    expect(received.size).toBe(subscribers.length);
    for (const connection of [publisher, ...subscribers]) connection.disconnect();
  });
});
