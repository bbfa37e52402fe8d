// The remembered matches against aedes' own parts: mqemitter's Qlobber and aedes-persistence's
// in-memory store, with subscriptions changing between lookups.
import * as aedesPersistence from "aedes-persistence";
import mqemitter from "mqemitter";
import { describe, expect, it } from "vitest";
import { cacheMatches, cacheOfflineSubscriptions } from "./topic-match-cache.js";

describe("topic match cache", () => {
  it("answers as the bus's Qlobber does, and sees every subscription added or removed at once", () => {
    const bus = mqemitter() as unknown as { _matcher: Parameters<typeof cacheMatches>[0] & { match(topic: string): unknown[] } };
    const plain = mqemitter() as unknown as {
      _matcher: { add(t: string, v: unknown): void; remove(t: string, v: unknown): void; match(t: string): unknown[] };
    };
    expect(cacheMatches(bus._matcher)).toBe(true);
    const both = (change: "add" | "remove", topic: string, value: string) => {
      bus._matcher[change](topic, value);
      plain._matcher[change](topic, value);
    };
    const topics = ["ioc/v1/sensors/aq-1/data", "ioc/v1/sensors/aq-2/data", "ioc/v1/alerts/environment/pm25-high", "$SYS/x"];
    const same = () => {
      for (const topic of topics) {
        expect(bus._matcher.match(topic), topic).toEqual(plain._matcher.match(topic));
        expect(bus._matcher.match(topic), `${topic} again`).toEqual(plain._matcher.match(topic));
      }
    };
    same();
    both("add", "ioc/v1/sensors/+/data", "console");
    same();
    both("add", "ioc/v1/#", "bridge");
    same();
    both("add", "ioc/v1/sensors/aq-1/data", "aq-1-watcher");
    same();
    both("remove", "ioc/v1/#", "bridge");
    same();
    both("remove", "ioc/v1/sensors/+/data", "console");
    same();
    expect(bus._matcher.match("ioc/v1/sensors/aq-1/data")).toEqual(["aq-1-watcher"]);
  });

  it("answers as aedes-persistence does for offline sessions, through subscribe, unsubscribe and clean", async () => {
    // The module is CommonJS: its export is the factory, which ESM sees as `default`.
    const memoryPersistence = (aedesPersistence as unknown as { default: () => unknown }).default;
    const persistence = (memoryPersistence() as unknown as { asyncPersistence: Parameters<typeof cacheOfflineSubscriptions>[0] })
      .asyncPersistence;
    await (persistence as unknown as { setup(broker: object): Promise<void> }).setup({ id: "b" });
    expect(cacheOfflineSubscriptions(persistence)).toBe(true);
    const topic = "ioc/v1/sensors/aq-1/data";
    const clients = (subs: unknown) => (subs as { clientId: string }[]).map((s) => s.clientId).sort();
    expect(clients(await persistence.subscriptionsByTopic(topic))).toEqual([]);
    await persistence.addSubscriptions({ id: "ops" }, [{ topic: "ioc/v1/sensors/+/data", qos: 1 }]);
    expect(clients(await persistence.subscriptionsByTopic(topic))).toEqual(["ops"]);
    // Asked again while a change is under way: the change wins once it is done.
    const adding = persistence.addSubscriptions({ id: "bridge" }, [{ topic: "ioc/v1/#", qos: 1 }]);
    const during = persistence.subscriptionsByTopic(topic);
    await adding;
    await during;
    expect(clients(await persistence.subscriptionsByTopic(topic))).toEqual(["bridge", "ops"]);
    await persistence.removeSubscriptions({ id: "ops" }, ["ioc/v1/sensors/+/data"]);
    expect(clients(await persistence.subscriptionsByTopic(topic))).toEqual(["bridge"]);
    await persistence.cleanSubscriptions({ id: "bridge" });
    expect(clients(await persistence.subscriptionsByTopic(topic))).toEqual([]);
  });
});
