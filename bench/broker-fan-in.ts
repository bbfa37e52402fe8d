// (a) Broker fan-in: 100 publishers → 1 subscriber, 64-byte payloads, QoS 0 and QoS 1, for the hub's
// broker (auth, ACL, ingest into the durable spool; no InfluxDB, so the writer is not in the way),
// bare aedes with default options, and Debian's mosquitto, under the same client load. Then, to
// tell the broker's own cost from ingest's, QoS 1 on the device status topics, which the hub
// authenticates, checks against the ACL and forwards but does not ingest. Every broker is measured
// warm (warmUpMessages).
import { join } from "node:path";
import type { BenchContext } from "./run.js";
import {
  type BrokerUnderTest,
  type LoadOptions,
  runLoad,
  startAedesWithDeque,
  startBareAedes,
  startHub,
  startMosquitto,
} from "./support/processes.js";
import { type BenchResult, median, result } from "./support/result.js";

const PUBLISHERS = 100;

/**
 * Messages per publisher of the unmeasured burst each broker gets first: brokers are measured warm,
 * as they run for months, not while V8 compiles their hot paths (mosquitto, compiled ahead, gains nothing).
 */
export const warmUpMessages = (ctx: BenchContext) => (ctx.quick ? 100 : 500);

export async function brokerFanIn(ctx: BenchContext): Promise<{ results: BenchResult[]; bareAedesQos1: number }> {
  const messages = ctx.quick ? 500 : 2000;
  const repeats = ctx.quick ? 1 : 3;
  const results: BenchResult[] = [];
  let bareAedesQos1 = 0;
  for (const qos of [0, 1] as const) {
    const rates: Record<string, number[]> = { "ioc-hub": [], "bare aedes": [], mosquitto: [] };
    for (let r = 0; r < repeats; r++) {
      const starters: [string, () => Promise<BrokerUnderTest>][] = [
        ["mosquitto", () => startMosquitto(join(ctx.workDir, `mosquitto-${qos}-${r}`))],
        ["bare aedes", startBareAedes],
        [
          "ioc-hub",
          () =>
            startHub(ctx.registryDir, join(ctx.workDir, `hub-fanin-${qos}-${r}`), {
              // No InfluxDB at all: the figure is the broker, auth, ACL, decoding and durable spool.
              IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd",
            }),
        ],
      ];
      for (const [name, start] of starters) {
        const broker = await start();
        try {
          const options = fanInLoad(ctx, broker, name === "ioc-hub", qos);
          rates[name]?.push(await warmThenMeasure(ctx, `fan-in qos${qos} ${name}`, options, messages));
        } finally {
          await broker.stop();
        }
      }
    }
    const hub = median(rates["ioc-hub"] ?? []);
    const aedes = median(rates["bare aedes"] ?? []);
    const mosquitto = median(rates.mosquitto ?? []);
    if (qos === 1) bareAedesQos1 = aedes;
    const detail = {
      publishers: PUBLISHERS,
      messagesPerPublisher: messages,
      payloadBytes: 64,
      repeats,
      warmUpMessagesPerPublisher: warmUpMessages(ctx),
      mosquitto_msg_s: Math.round(mosquitto),
    };
    results.push(
      result(`broker-fan-in-qos${qos}`, "msg/s", hub, "bare aedes", aedes, { detail, ...(qos === 1 && { target: "ratio >= 0.9" }) }),
    );
    results.push(result(`broker-fan-in-qos${qos}-vs-mosquitto`, "msg/s", hub, "mosquitto", mosquitto, { detail }));
  }
  results.push(await statusFanIn(ctx, messages, repeats));
  if (!ctx.quick) results.push(await sustainedFanIn(ctx));
  return { results, bareAedesQos1 };
}

/** Where the load publishes and subscribes: by default the sensor data topics, which the hub ingests. */
interface FanInTopics {
  topicPrefix?: string;
  topicSuffix?: string;
  filter: string;
}
const DATA_TOPICS: FanInTopics = { filter: "ioc/v1/sensors/+/data" };
const STATUS_TOPICS: FanInTopics = { topicPrefix: "ioc/v1/devices/", topicSuffix: "/status", filter: "ioc/v1/devices/+/status" };

/** The fan-in load on a broker: 100 publishers, 1 subscriber; the hub's accounts for the hub. */
function fanInLoad(
  ctx: BenchContext,
  broker: BrokerUnderTest,
  isHub: boolean,
  qos: 0 | 1,
  { filter, ...topics }: FanInTopics = DATA_TOPICS,
): Omit<LoadOptions, "messages"> {
  return {
    port: broker.port,
    publishers: PUBLISHERS,
    qos,
    ...topics,
    credentials: isHub ? ctx.credentials.publishers : undefined,
    subscribe: isHub ? { filter, ...ctx.credentials.subscriber } : { filter },
  };
}

/** Messages/s delivered to the subscriber, measured after an unmeasured warm-up burst. */
async function warmThenMeasure(
  ctx: BenchContext,
  label: string,
  options: Omit<LoadOptions, "messages">,
  messages: number,
): Promise<number> {
  await runLoad({ ...options, messages: warmUpMessages(ctx) });
  const load = await runLoad({ ...options, messages });
  const rate = load.receiveMs > 0 ? (load.received / load.receiveMs) * 1000 : 0;
  if (load.received < load.expectedReceived) ctx.log(`  ${label}: only ${load.received}/${load.expectedReceived} delivered`);
  ctx.log(`  ${label}: ${Math.round(rate)} msg/s (${load.received} delivered)`);
  return rate;
}

const SUSTAINED_MESSAGES = 10_000;

/**
 * QoS 1 fan-in held for 1,000,000 messages (20–30 s) instead of 200,000. Bare aedes does not keep
 * its pace: messages wait on its bus in arrays it shift()s from, each shift moves all the others, and
 * the longer the run the longer the queue (seen here: 82,000–84,000 msg/s over 200,000 messages,
 * 56,000–88,000 over 600,000, 36,000–45,000 over 1,000,000). The peer with only the hub's deque on
 * that bus shows how much of it is the queue. One run each: this is the long figure beside the short one, not the target's.
 */
async function sustainedFanIn(ctx: BenchContext): Promise<BenchResult> {
  const rates: Record<string, number> = {};
  const starters: [string, () => Promise<BrokerUnderTest>][] = [
    ["bare aedes", startBareAedes],
    ["aedes with deque", startAedesWithDeque],
    ["ioc-hub", () => startHub(ctx.registryDir, join(ctx.workDir, "hub-sustained"), { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" })],
  ];
  for (const [name, start] of starters) {
    const broker = await start();
    try {
      const options = { ...fanInLoad(ctx, broker, name === "ioc-hub", 1), timeoutS: 300 };
      rates[name] = await warmThenMeasure(ctx, `fan-in qos1 sustained ${name}`, options, SUSTAINED_MESSAGES);
    } finally {
      await broker.stop();
    }
  }
  return result("broker-fan-in-qos1-sustained", "msg/s", rates["ioc-hub"] ?? 0, "bare aedes", rates["bare aedes"] ?? 0, {
    detail: {
      publishers: PUBLISHERS,
      messagesPerPublisher: SUSTAINED_MESSAGES,
      payloadBytes: 64,
      repeats: 1,
      aedes_with_deque_msg_s: Math.round(rates["aedes with deque"] ?? 0),
    },
  });
}

/** QoS 1 fan-in on ioc/v1/devices/{id}/status: the hub without ingest (auth, ACL, forwarding) vs bare aedes. */
async function statusFanIn(ctx: BenchContext, messages: number, repeats: number): Promise<BenchResult> {
  const rates: Record<string, number[]> = { "ioc-hub": [], "bare aedes": [] };
  for (let r = 0; r < repeats; r++) {
    for (const name of ["bare aedes", "ioc-hub"]) {
      const isHub = name === "ioc-hub";
      const broker = isHub
        ? await startHub(ctx.registryDir, join(ctx.workDir, `hub-status-${r}`), { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" })
        : await startBareAedes();
      try {
        const options = fanInLoad(ctx, broker, isHub, 1, STATUS_TOPICS);
        rates[name]?.push(await warmThenMeasure(ctx, `fan-in qos1 status topics ${name}`, options, messages));
      } finally {
        await broker.stop();
      }
    }
  }
  return result("broker-fan-in-qos1-no-ingest", "msg/s", median(rates["ioc-hub"] ?? []), "bare aedes", median(rates["bare aedes"] ?? []), {
    detail: { publishers: PUBLISHERS, messagesPerPublisher: messages, payloadBytes: 64, repeats, topic: "ioc/v1/devices/{id}/status" },
  });
}
