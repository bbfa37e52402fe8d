// A station's reading goes MQTT → hub → InfluxDB, exactly once, with its own value and time.
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { hubMetric } from "../support/hub-metrics.js";
import { connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";

const DEVICES = 20;
const PER_DEVICE = 500;
// Two days ago, on a whole minute: inside the accepted window whatever day the tests run.
const BASE_TIME = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;

describe("ingest end to end", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  const dir = tempDir("hub-ingest");

  beforeAll(async () => {
    influx = await startTestInfluxd();
    const ids = Array.from({ length: DEVICES }, (_, i) => ({ id: `aq-${String(i).padStart(2, "0")}`, kind: "air" as const }));
    creds = await addDevices(dir.path, ids);
    hub = await startHub(dir.path, { IOC_INFLUX_URL: influx.url, IOC_INFLUX_SELF_METRICS_INTERVAL_MS: "300" });
  });

  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("stores exactly the 10,000 QoS 1 readings 20 devices published, with their values and timestamps", async () => {
    const clients: MqttClient[] = [];
    for (const [, c] of creds) clients.push(await connectDevice(hub.mqttUrl, c));
    await Promise.all(
      clients.map(async (client, d) => {
        const station = `aq-${String(d).padStart(2, "0")}`;
        const pending: Promise<unknown>[] = [];
        for (let i = 0; i < PER_DEVICE; i++) {
          const reading = { time: BASE_TIME + i * 60_000, values: { pm25: d * 1000 + i + 0.25, temperature: 20 + i / 100 } };
          pending.push(client.publishAsync(`ioc/v1/sensors/${station}/data`, JSON.stringify(reading), { qos: 1 }));
        }
        await Promise.all(pending);
      }),
    );
    await Promise.all(clients.map((c) => c.endAsync()));

    let count = 0;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const rows = await influx.rows('SELECT count("pm25") FROM "env_reading"');
      count = Number(rows[0]?.count ?? 0);
      if (count >= DEVICES * PER_DEVICE) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(count).toBe(DEVICES * PER_DEVICE);

    const rows = await influx.rows('SELECT "pm25", "temperature" FROM "env_reading" GROUP BY "station"');
    expect(rows).toHaveLength(DEVICES * PER_DEVICE);
    const seen = new Set<string>();
    for (const row of rows) {
      const station = row.station as string;
      const d = Number(station.slice(3));
      const i = ((row.time as number) - BASE_TIME) / 60_000;
      expect(Number.isInteger(i) && i >= 0 && i < PER_DEVICE).toBe(true);
      expect(row.pm25).toBe(d * 1000 + i + 0.25);
      expect(row.temperature).toBeCloseTo(20 + i / 100, 10);
      seen.add(`${station}/${i}`);
    }
    expect(seen.size).toBe(DEVICES * PER_DEVICE);

    const tags = await influx.rows('SHOW TAG VALUES FROM "env_reading" WITH KEY = "kind"');
    expect(tags.map((t) => t.value)).toEqual(["air"]);
    // 20 devices sending 500 readings each at once is far past the broker's read budget of a turn
    // (broker/read-budget.ts): reads were put off, and nothing was lost for it.
    expect(await hubMetric(hub.httpUrl, "ioc_mqtt_reads_deferred_total")).toBeGreaterThan(0);
  });

  it("records its own counters in the `hub` measurement", async () => {
    const last = async (field: string, stage: string) =>
      (await influx.rows(`SELECT last("${field}") FROM "hub" WHERE "stage" = '${stage}'`))[0]?.last;
    await expect.poll(() => last("received", "ingest"), { timeout: 10_000 }).toBe(DEVICES * PER_DEVICE);
    await expect.poll(() => last("written", "influx"), { timeout: 10_000 }).toBeGreaterThanOrEqual(DEVICES * PER_DEVICE);
    expect(await last("accepted", "ingest")).toBe(DEVICES * PER_DEVICE);
    expect(await last("received_mqtt", "ingest")).toBe(DEVICES * PER_DEVICE);
    expect(await last("depth_points", "spool")).toBeGreaterThanOrEqual(0);
    expect(await last("connected_clients", "broker")).toBe(0);
  });
});
