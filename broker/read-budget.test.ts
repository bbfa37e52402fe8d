// The read budget on a real aedes broker with real MQTT clients over loopback TCP: with a budget
// far below what the publishers send in one turn, every message still arrives once and in each
// publisher's order, reads are put off, and no read starts once a phase's budget is spent.
import { once } from "node:events";
import { type AddressInfo, type Server, createServer } from "node:net";
import type { Readable } from "node:stream";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { ReadBudget } from "./read-budget.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Bytes each read took, by the budget's phase it happened in. */
type ReadLog = { phase: number; bytes: number }[];

async function brokerWithBudget(
  budget: ReadBudget,
  options: { commitDelayMs?: number; readLog?: ReadLog; phase?: () => number } = {},
): Promise<{ port: number; broker: Aedes }> {
  const broker = await Aedes.createBroker();
  // Like the hub's group commit: the PUBACK waits for an asynchronous step.
  broker.authorizePublish = (_client, _packet, callback) => {
    setTimeout(() => callback(null), options.commitDelayMs ?? 1);
  };
  const server: Server = createServer((socket) => {
    if (options.readLog) {
      const read = socket.read.bind(socket);
      (socket as Readable).read = (size?: number) => {
        const chunk = read(size) as Buffer | null;
        if (chunk) options.readLog?.push({ phase: options.phase?.() ?? 0, bytes: chunk.length });
        return chunk;
      };
    }
    budget.attach(broker.handle(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  cleanups.push(
    () => new Promise<void>((resolve) => server.close(() => resolve())),
    () => new Promise<void>((resolve) => broker.close(() => resolve())),
  );
  return { port: (server.address() as AddressInfo).port, broker };
}

async function connect(port: number, clientId: string): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync(true).then(() => undefined));
  return client;
}

/** Publishes `count` QoS 1 messages from each publisher at once (no waiting between them). */
async function publishAll(publishers: mqtt.MqttClient[], count: number): Promise<void> {
  await Promise.all(
    publishers.flatMap((client, p) =>
      Array.from({ length: count }, (_, i) => client.publishAsync(`t/${p}`, `${p}:${i}:${"x".repeat(40)}`, { qos: 1 })),
    ),
  );
}

describe("ReadBudget", () => {
  it("delivers every message once and in each publisher's order when most reads are put off", async () => {
    const budget = new ReadBudget(256);
    const { port } = await brokerWithBudget(budget);
    const subscriber = await connect(port, "sub");
    await subscriber.subscribeAsync("t/#", { qos: 1 });
    const received = new Map<number, number[]>();
    let total = 0;
    subscriber.on("message", (_topic, payload) => {
      const [p, i] = payload.toString().split(":").map(Number) as [number, number];
      received.set(p, [...(received.get(p) ?? []), i]);
      total++;
    });
    const publishers = await Promise.all(Array.from({ length: 20 }, (_, p) => connect(port, `pub-${p}`)));
    const perPublisher = 150;
    await publishAll(publishers, perPublisher);
    const deadline = Date.now() + 10_000;
    while (total < 20 * perPublisher && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(total).toBe(20 * perPublisher);
    for (let p = 0; p < 20; p++) expect(received.get(p)).toEqual(Array.from({ length: perPublisher }, (_, i) => i));
    expect(budget.deferredReads).toBeGreaterThan(0);
  });

  it("starts no read in a phase once its budget is spent (the last read may go past it)", async () => {
    const limit = 4096;
    const budget = new ReadBudget(limit);
    const readLog: ReadLog = [];
    // Phases as the budget renews them: a new one after every check phase that renewed it.
    let phase = 0;
    let ticking = true;
    const tick = () => {
      phase++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    cleanups.push(() => {
      ticking = false;
    });
    const { port } = await brokerWithBudget(budget, { readLog, phase: () => phase });
    const publishers = await Promise.all(Array.from({ length: 30 }, (_, p) => connect(port, `pub-${p}`)));
    await publishAll(publishers, 20);
    const byPhase = new Map<number, number[]>();
    for (const { phase: at, bytes } of readLog) byPhase.set(at, [...(byPhase.get(at) ?? []), bytes]);
    // Within one phase, every read but the last began with less than the budget read before it.
    let busiest = 0;
    for (const reads of byPhase.values()) {
      const beforeLast = reads.slice(0, -1).reduce((sum, bytes) => sum + bytes, 0);
      expect(beforeLast).toBeLessThan(limit);
      busiest = Math.max(busiest, reads.length);
    }
    expect(busiest).toBeGreaterThan(1);
    expect(budget.deferredReads).toBeGreaterThan(0);
  });

  it("goes on serving the others when clients waiting for the budget disconnect", async () => {
    const budget = new ReadBudget(128);
    const { port, broker } = await brokerWithBudget(budget, { commitDelayMs: 5 });
    const errors: Error[] = [];
    broker.on("clientError", (_client, error) => errors.push(error));
    const subscriber = await connect(port, "sub");
    await subscriber.subscribeAsync("t/#", { qos: 1 });
    let kept = 0;
    subscriber.on("message", (topic) => {
      if (Number(topic.split("/")[1]) % 2 === 0) kept++;
    });
    const publishers = await Promise.all(Array.from({ length: 10 }, (_, p) => connect(port, `pub-${p}`)));
    const sending = publishers.map((client, p) =>
      Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const sent = client.publishAsync(`t/${p}`, `${p}:${i}`, { qos: 1 });
          return p % 2 === 1 ? sent.catch(() => undefined) : sent;
        }),
      ),
    );
    // The odd publishers drop their connections mid-stream, some while their reads wait.
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const [p, client] of publishers.entries()) if (p % 2 === 1) client.stream.destroy();
    // A dropped publisher's messages in flight stay unacknowledged; the others' are all acknowledged.
    await Promise.all(sending.filter((_, p) => p % 2 === 0));
    const deadline = Date.now() + 10_000;
    while (kept < 500 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(kept).toBe(500);
    expect(budget.deferredReads).toBeGreaterThan(0);
    expect(errors.filter((error) => !/ECONNRESET|EPIPE|closed/.test(error.message))).toEqual([]);
  });

  it("refuses a client without aedes' read step, naming what changed", () => {
    const budget = new ReadBudget();
    expect(() => budget.attach({} as never)).toThrow(/aedes internals changed/);
  });
});
