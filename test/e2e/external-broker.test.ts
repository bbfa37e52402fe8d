// Scale-out on an external broker: Debian's Mosquitto 2 in front, two hub processes as ingest
// workers sharing `$share/ioc-ingest/…` (MQTT 5 shared subscriptions), one InfluxDB. 20,000 QoS 1
// readings are split between the workers, none lost, none processed twice; a worker killed
// mid-stream and restarted gets its unacknowledged messages back from its session, and nothing
// acknowledged is lost.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { tempDir } from "../support/temp-dir.js";

const STATIONS = 20;
const PER_STATION = 1000;
const BASE = Math.floor((Date.now() - 6 * 3_600_000) / 1000) * 1000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function received(hub: HubProcess): Promise<number> {
  const text = await (await fetch(`${hub.httpUrl}/metrics`)).text();
  return Number(/ioc_messages_received_total\{via="mqtt"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe("ingest workers behind an external broker (Mosquitto, shared subscriptions)", () => {
  const dir = tempDir("external");
  let influx: TestInfluxd;
  let mosquitto: ChildProcess;
  let brokerUrl: string;
  const workers: HubProcess[] = [];
  const env = () => ({
    IOC_MQTT_EXTERNAL_URL: brokerUrl,
    IOC_INFLUX_URL: influx.url,
    IOC_INFLUX_FLUSH_INTERVAL_MS: "20",
    IOC_MQTT_PORT: "0",
  });

  beforeAll(async () => {
    influx = await startTestInfluxd();
    const port = await freePort();
    const conf = join(dir.path, "mosquitto.conf");
    mkdirSync(join(dir.path, "mosquitto"), { recursive: true });
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        "allow_anonymous true",
        "persistence false",
        "max_queued_messages 0",
        "max_inflight_messages 0",
        "log_type error",
        "",
      ].join("\n"),
    );
    mosquitto = spawn(existsSync("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", ["-c", conf], { stdio: "ignore" });
    brokerUrl = `mqtt://127.0.0.1:${port}`;
    for (let i = 0; i < 50; i++) {
      const ok = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0, connectTimeout: 500 }, false).then(
        (c) => c.endAsync().then(() => true),
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const name of ["worker-a", "worker-b"]) workers.push(await startHub(join(dir.path, name), env()));
    // Both sessions subscribed before the first reading.
    for (const w of workers) {
      for (let i = 0; i < 50 && !w.output().includes("connected to the external broker"); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) await w.stop();
    mosquitto?.kill("SIGTERM");
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
    workers[1] = await startHub(killed.dataDir, env());
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
});
