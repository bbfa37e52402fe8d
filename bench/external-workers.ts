// Scale-out (issue 13): aggregate end-to-end ingest rate with 1 and with 2 ingest workers behind
// Debian's Mosquitto 2 (MQTT 5 shared subscriptions), 100 publishers sending one reading per QoS 1
// message, from the first publish until InfluxDB holds every point. On this 2-core machine the
// broker, the publishers, influxd and the workers all share the same two cores, which bounds what a
// second worker can add; on separate hosts the workers' own CPU is what adds up. A third run has the
// two workers own one rule partition each, so that about half of the observations are handed to the
// other worker's rules over the broker: the cost of keeping a subject's rules in one place.
import { join } from "node:path";
import { InfluxClient } from "../ingest/sink/influx-client.js";
import { ManagedInfluxd } from "../ingest/sink/managed-influxd.js";
import type { BenchContext } from "./run.js";
import { countPoints, waitForCount } from "./support/influx-count.js";
import { runLoad, startHub, startMosquitto } from "./support/processes.js";
import { type BenchResult, median, result } from "./support/result.js";

const PUBLISHERS = 100;

export async function externalWorkers(ctx: BenchContext): Promise<BenchResult[]> {
  const repeats = ctx.quick ? 1 : 3;
  const messages = ctx.quick ? 150 : 400;
  const influxd = new ManagedInfluxd({ dataDir: join(ctx.workDir, "influxd-ext") });
  await influxd.start();
  const setups = [
    { key: "1", workers: 1, partitioned: false },
    { key: "2", workers: 2, partitioned: false },
    { key: "2p", workers: 2, partitioned: true },
  ] as const;
  const rates: Record<(typeof setups)[number]["key"], number[]> = { "1": [], "2": [], "2p": [] };
  try {
    for (let r = 0; r < repeats; r++) {
      for (const { key, workers, partitioned } of setups) {
        const broker = await startMosquitto(join(ctx.workDir, `mosquitto-ext-${key}-${r}`));
        const db = `bench_ext_${key}_${r}`;
        const hubs = [];
        try {
          for (let w = 0; w < workers; w++) {
            hubs.push(
              await startHub(ctx.registryDir, join(ctx.workDir, `worker-${key}-${r}-${w}`), {
                IOC_MQTT_EXTERNAL_URL: `mqtt://127.0.0.1:${broker.port}`,
                IOC_INFLUX_URL: influxd.url,
                IOC_INFLUX_DB: db,
                ...(partitioned && { IOC_RULES_PARTITIONS: "2", IOC_RULES_OWNED_PARTITIONS: String(w) }),
              }),
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 1500)); // the workers' shared subscriptions are in place
          const client = new InfluxClient({ url: influxd.url, db });
          const expected = PUBLISHERS * messages;
          const load = await runLoad({
            port: broker.port,
            publishers: PUBLISHERS,
            messages,
            qos: 1,
            payload: "reading64",
            baseTime: Date.now() - 6 * 3_600_000,
          });
          const doneAt = await waitForCount(client, expected, 180_000);
          const stored = await countPoints(client);
          const rate = (stored / (doneAt - load.startedAtEpochMs)) * 1000;
          rates[key].push(rate);
          ctx.log(
            `  ${workers} worker(s)${partitioned ? ", rules partitioned" : ""}: ${Math.round(rate)} readings/s (${stored}/${expected} stored)`,
          );
        } finally {
          for (const hub of hubs) await hub.stop();
          await broker.stop();
        }
      }
    }
  } finally {
    await influxd.stop();
  }
  const one = median(rates["1"]);
  const two = median(rates["2"]);
  const partitioned = median(rates["2p"]);
  return [
    result("external-broker-2-workers", "readings/s", two, "1 worker behind the same mosquitto", one, {
      target: "report the ratio and what bounds it (2 cores shared by broker, publishers, influxd and workers)",
      detail: {
        publishers: PUBLISHERS,
        messagesPerPublisher: messages,
        repeats,
        oneWorker: rates["1"].map(Math.round),
        twoWorkers: rates["2"].map(Math.round),
      },
    }),
    result("external-broker-2-workers-rules-partitioned", "readings/s", partitioned, "2 workers, rules not partitioned", two, {
      target: "report the cost of handing half the observations to the other worker's rules",
      detail: { publishers: PUBLISHERS, messagesPerPublisher: messages, repeats, partitioned: rates["2p"].map(Math.round) },
    }),
  ];
}
