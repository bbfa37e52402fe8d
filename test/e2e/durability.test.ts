// Nothing acknowledged is lost: not while InfluxDB is down, not when the hub is killed with SIGKILL.
import type { MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";

const STATIONS = ["aq-a", "aq-b", "aq-c", "aq-d"];
const BASE_TIME = Math.floor((Date.now() - 86_400_000) / 1000) * 1000;

/** Publishes QoS 1 readings from every station until stopped or `maxPerStation`; returns the acknowledged ones. */
function publishStream(url: string, creds: Map<string, Credentials>, options: { maxPerStation: number; intervalMs: number }) {
  const acked = new Set<string>();
  let running = true;
  const clients: MqttClient[] = [];
  const done = Promise.all(
    STATIONS.map(async (station) => {
      const client = await connectDevice(url, creds.get(station));
      clients.push(client);
      client.on("error", () => undefined);
      for (let i = 0; i < options.maxPerStation && running && client.connected; i++) {
        const reading = { time: BASE_TIME + i * 1000, values: { pm25: i } };
        client
          .publishAsync(`ioc/v1/sensors/${station}/data`, JSON.stringify(reading), { qos: 1 })
          .then(() => acked.add(`${station}/${i}`))
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, options.intervalMs));
      }
    }),
  );
  return {
    acked,
    done,
    async stop() {
      running = false;
      await done;
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    },
  };
}

async function storedKeys(influx: TestInfluxd): Promise<Set<string>> {
  const rows = await influx.rows('SELECT "pm25" FROM "env_reading" GROUP BY "station"');
  return new Set(rows.map((r) => `${r.station as string}/${((r.time as number) - BASE_TIME) / 1000}`));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function readiness(hub: HubProcess): Promise<{ influx: string; spool: { points: number } }> {
  return (await fetch(`${hub.httpUrl}/readyz`)).json() as Promise<{ influx: string; spool: { points: number } }>;
}

describe("durability", () => {
  let influx: TestInfluxd;
  let dir: ReturnType<typeof tempDir>;
  let creds: Map<string, Credentials>;
  const hubs: HubProcess[] = [];

  beforeEach(async () => {
    influx = await startTestInfluxd();
    dir = tempDir("hub-durability");
    creds = await addDevices(
      dir.path,
      STATIONS.map((id) => ({ id, kind: "air" as const })),
    );
  });

  afterEach(async () => {
    for (const hub of hubs.splice(0)) await hub.kill();
    await influx.destroy();
    dir.remove();
  });

  const env = () => ({ IOC_INFLUX_URL: influx.url, IOC_INFLUX_MAX_RETRY_DELAY_MS: "1000" });

  /** Starts the hub again on the same data dir and checks that every acknowledged reading reaches InfluxDB. */
  async function restartAndCheck(acked: Set<string>): Promise<Set<string>> {
    const next = await startHub(dir.path, env());
    hubs.push(next);
    await waitUntil(async () => (await readiness(next)).spool.points === 0, 30_000, "the spool to drain");
    const stored = await storedKeys(influx);
    expect([...acked].filter((k) => !stored.has(k))).toEqual([]);
    return stored;
  }

  it("keeps readings in the spool while InfluxDB is down for 30 s and drains it to zero afterwards", async () => {
    const hub = await startHub(dir.path, env());
    hubs.push(hub);
    const stream = publishStream(hub.mqttUrl, creds, { maxPerStation: 400, intervalMs: 100 });
    await new Promise((r) => setTimeout(r, 3000));
    await influx.stop();
    await waitUntil(async () => (await readiness(hub)).influx === "spooling", 15_000, "the hub to report spooling");
    await new Promise((r) => setTimeout(r, 30_000));
    const during = await readiness(hub);
    expect(during.spool.points).toBeGreaterThan(0);
    await influx.start();
    await stream.stop();
    await waitUntil(async () => (await readiness(hub)).spool.points === 0, 30_000, "the spool to drain");
    const stored = await storedKeys(influx);
    const missing = [...stream.acked].filter((k) => !stored.has(k));
    expect(stream.acked.size).toBeGreaterThan(STATIONS.length * 300);
    expect(missing).toEqual([]);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_influx_write_errors_total\{kind="network"\} [1-9]/);
    expect(metrics).toMatch(/ioc_spool_depth_points 0/);
    expect(metrics).toMatch(/ioc_ingest_waiting_messages 0/);
  }, 120_000);

  it("without any InfluxDB says so once, keeps accepted readings in the spool, and writes them when one is configured", async () => {
    const first = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    hubs.push(first);
    const stream = publishStream(first.mqttUrl, creds, { maxPerStation: 25, intervalMs: 5 });
    await stream.done;
    await waitUntil(async () => stream.acked.size === STATIONS.length * 25, 10_000, "every PUBACK");
    await stream.stop();
    const state = await readiness(first);
    // The readings only: their times are in the past, but a backlog that arrives in a fraction of a
    // second is not a station clock that is behind (clock-skew waits for 10 minutes of late readings).
    expect(state).toMatchObject({ influx: "not-configured", spool: { points: STATIONS.length * 25 } });
    expect(first.output().match(/no InfluxDB: every accepted reading is kept in the spool/g)).toHaveLength(1);
    expect(await first.stop()).toBe(0);
    await restartAndCheck(stream.acked);
  }, 120_000);

  it("loses no acknowledged reading when the hub is killed with SIGKILL mid-stream", async () => {
    const first = await startHub(dir.path, env());
    hubs.push(first);
    const stream = publishStream(first.mqttUrl, creds, { maxPerStation: 10_000, intervalMs: 2 });
    await new Promise((r) => setTimeout(r, 3000));
    await first.kill();
    await stream.stop();
    expect(stream.acked.size).toBeGreaterThan(100);
    await restartAndCheck(stream.acked);
  }, 120_000);

  it("loses no acknowledged reading when the hub is killed while InfluxDB is down", async () => {
    const first = await startHub(dir.path, env());
    hubs.push(first);
    await influx.stop();
    const stream = publishStream(first.mqttUrl, creds, { maxPerStation: 10_000, intervalMs: 2 });
    await new Promise((r) => setTimeout(r, 2000));
    await first.kill();
    await stream.stop();
    expect(stream.acked.size).toBeGreaterThan(100);
    await influx.start();
    const stored = await restartAndCheck(stream.acked);
    expect(stored.size).toBeGreaterThanOrEqual(stream.acked.size);
  }, 120_000);
});
