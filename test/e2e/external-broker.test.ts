// Scale-out on an external broker: Debian's Mosquitto 2 in front, two hub processes as ingest
// workers sharing `$share/ioc-ingest/…` (MQTT 5 shared subscriptions), one InfluxDB. 20,000 QoS 1
// readings are split between the workers, none lost, none processed twice; a worker killed
// mid-stream and restarted gets its unacknowledged messages back from its session, and nothing
// acknowledged is lost.
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrokerUnderTest, startMosquitto } from "../../bench/support/processes.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { stationInPartition } from "../support/partition-subjects.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const STATIONS = 20;
const PER_STATION = 1000;
const BASE = Math.floor((Date.now() - 6 * 3_600_000) / 1000) * 1000;

async function received(hub: HubProcess): Promise<number> {
  const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
  return Number(/ioc_messages_received_total\{via="mqtt"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe("ingest workers behind an external broker (Mosquitto, shared subscriptions)", () => {
  const dir = tempDir("external");
  let influx: TestInfluxd;
  let mosquitto: BrokerUnderTest;
  let brokerUrl: string;
  const workers: HubProcess[] = [];
  // Rule state in two partitions, worker i owning partition i.
  const env = (owned: number) => ({
    IOC_MQTT_EXTERNAL_URL: brokerUrl,
    IOC_INFLUX_URL: influx.url,
    IOC_INFLUX_FLUSH_INTERVAL_MS: "20",
    IOC_MQTT_PORT: "0",
    IOC_RULES_PARTITIONS: "2",
    IOC_RULES_OWNED_PARTITIONS: String(owned),
  });

  beforeAll(async () => {
    influx = await startTestInfluxd();
    mosquitto = await startMosquitto(join(dir.path, "mosquitto"));
    brokerUrl = `mqtt://127.0.0.1:${mosquitto.port}`;
    for (const [i, name] of ["worker-a", "worker-b"].entries()) workers.push(await startHub(join(dir.path, name), env(i)));
    // Both sessions subscribed before the first reading.
    for (const w of workers) {
      for (let i = 0; i < 50 && !w.output().includes("connected to the external broker"); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await mosquitto?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("splits 20,000 readings between two workers, each stored once; a killed worker's unacknowledged ones come back with it", async () => {
    const publishers = await Promise.all(
      Array.from({ length: STATIONS }, (_, s) =>
        mqtt.connectAsync(brokerUrl, { clientId: `wq-ext-${s}`, protocolVersion: 5, reconnectPeriod: 0 }),
      ),
    );
    let sent = 0;
    const publishAll = Promise.all(
      publishers.map(async (client, s) => {
        for (let i = 0; i < PER_STATION; i++) {
          await client.publishAsync(
            `ioc/v1/sensors/wq-ext-${s}/data`,
            JSON.stringify({ time: BASE + i * 1000, kind: "water", values: { ph: 7 + (i % 10) / 10 } }),
            {
              qos: 1,
            },
          );
          sent++;
        }
      }),
    );
    // Kill one worker mid-stream, then bring it back with the same data dir (same client id, same session).
    while (sent < (STATIONS * PER_STATION) / 3) await new Promise((r) => setTimeout(r, 20));
    const killed = workers[1] as HubProcess;
    await killed.kill();
    const beforeRestart = await received(workers[0] as HubProcess);
    await new Promise((r) => setTimeout(r, 1000));
    workers[1] = await startHub(killed.dataDir, env(1));
    await publishAll;
    await Promise.all(publishers.map((p) => p.endAsync()));

    const total = STATIONS * PER_STATION;
    const deadline = Date.now() + 60_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = Number((await influx.rows(`SELECT count("ph") FROM "env_reading" WHERE "station" =~ /^wq-ext-/`))[0]?.count ?? 0);
      if (stored === total) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(stored).toBe(total);
    // The surviving worker took over while the other was down.
    expect(await received(workers[0] as HubProcess)).toBeGreaterThan(beforeRestart);
    const byWorker = await Promise.all(workers.map((w) => received(w)));
    process.stdout.write(`external broker: readings per worker after the restart ${JSON.stringify(byWorker)}\n`);
    expect(byWorker.every((n) => n > 0)).toBe(true);
  }, 180_000);

  it("runs a station's rules once, at its partition's owner, though its readings are split between workers; the owner's share waits for it while it is down", async () => {
    const station = stationInPartition(0, 2, "wq-part");
    const events = async (event: string) =>
      Number(
        (await influx.rows(`SELECT count("alert_id") FROM "alert" WHERE "subject" = '${station}' AND "event" = '${event}'`))[0]?.count ?? 0,
      );
    const publish = async (values: Record<string, number>, count: number, from: number) => {
      const client = await mqtt.connectAsync(brokerUrl, { clientId: `${station}-${from}`, protocolVersion: 5, reconnectPeriod: 0 });
      for (let i = 0; i < count; i++) {
        await client.publishAsync(
          `ioc/v1/sensors/${station}/data`,
          JSON.stringify({ time: Date.now() - 120_000 + (from + i) * 100, kind: "water", values }),
          {
            qos: 1,
          },
        );
      }
      await client.endAsync();
    };
    // 40 readings below the `do` limit, split between the workers by the broker: one alert, not one per worker.
    await publish({ do: 2 }, 40, 0);
    expect(
      await until(
        () => events("raised"),
        (n) => n >= 1,
      ),
    ).toBe(1);
    const forwarded = await Promise.all(
      workers.map(async (w) =>
        (await (await fetch(`${w.httpUrl}/metrics`)).text()).match(/ioc_rule_partition_observations_total\{direction="(\w+)"\} (\d+)/g),
      ),
    );
    process.stdout.write(`rule partitions: ${JSON.stringify(forwarded)}\n`);
    expect(String(forwarded[1])).toMatch(/forwarded/);
    expect(String(forwarded[0])).toMatch(/applied/);

    // The owner is killed: the other worker keeps taking readings (Mosquitto still queues a share of
    // them in the dead worker's sessions); the recovery waits in the owner's partition session at the
    // broker and clears the alert once the owner is back.
    // (The broker acknowledged the publishes; the workers store them a moment later.)
    const stored = async () =>
      Number((await influx.rows(`SELECT count("do") FROM "env_reading" WHERE "station" = '${station}'`))[0]?.count ?? 0);
    expect(await until(stored, (n) => n >= 40)).toBe(40);
    const owner = workers[0] as HubProcess;
    await owner.kill();
    // 40: more than the 32 sessions of the share group, so that the rotation reaches the living worker.
    await publish({ do: 6 }, 40, 100);
    expect(await until(stored, (n) => n > 40)).toBeGreaterThan(40);
    expect(await events("cleared")).toBe(0);
    workers[0] = await startHub(owner.dataDir, env(0));
    expect(await until(stored, (n) => n >= 80)).toBe(80);
    expect(
      await until(
        () => events("cleared"),
        (n) => n >= 1,
      ),
    ).toBe(1);
    expect(await events("raised")).toBe(1);
  }, 120_000);
});
