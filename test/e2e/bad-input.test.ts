// Every kind of bad input gets its own reason on the device's error topic and in the dead-letter log;
// the hub stays up and the valid readings around the bad ones are stored.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { collect, connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";

const DAY = 86_400_000;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

const cases: { name: string; leaf?: "data" | "senml"; payload: Buffer; reason: string }[] = [
  { name: "invalid JSON", payload: Buffer.from('{"values": {"pm25": 1'), reason: "json_invalid" },
  { name: "NaN (not JSON)", payload: Buffer.from('{"values": {"pm25": NaN}}'), reason: "json_invalid" },
  { name: "Infinity from an overflowing literal", payload: Buffer.from('{"values": {"pm25": 1e400}}'), reason: "value_not_finite" },
  { name: "a value of the wrong type", payload: json({ values: { pm25: "high" } }), reason: "schema_violation" },
  { name: "missing values", payload: json({ time: Date.now() }), reason: "schema_violation" },
  { name: "an unknown property", payload: json({ values: { pm25: 1 }, colour: "red" }), reason: "schema_violation" },
  { name: "an unknown quantity", payload: json({ values: { radioactivity: 3 } }), reason: "quantity_unknown" },
  { name: "a wrong unit", payload: json({ values: { pm25: 3 }, units: { pm25: "kg" } }), reason: "unit_invalid" },
  { name: "water data from an air station", payload: json({ values: { ph: 7 } }), reason: "kind_mismatch" },
  { name: "a timestamp far in the future", payload: json({ time: Date.now() + 2 * DAY, values: { pm25: 1 } }), reason: "time_in_future" },
  { name: "a timestamp far in the past", payload: json({ time: "2001-01-01T00:00:00Z", values: { pm25: 1 } }), reason: "time_too_old" },
  { name: "an unreadable date", payload: json({ time: "yesterday", values: { pm25: 1 } }), reason: "schema_violation" },
  {
    name: "a 10,000-element batch",
    payload: json(Array.from({ length: 10_000 }, (_, i) => ({ values: { pm25: i } }))),
    reason: "batch_too_large",
  },
  { name: "deeply nested JSON", payload: Buffer.from(`${"[".repeat(5000)}${"]".repeat(5000)}`), reason: "json_too_deep" },
  { name: "non-UTF-8 bytes", payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), reason: "payload_not_utf8" },
  { name: "an empty payload", payload: Buffer.alloc(0), reason: "json_invalid" },
  { name: "a SenML pack that is an object", leaf: "senml", payload: json({ n: "pm25", v: 1 }), reason: "schema_violation" },
  { name: "a SenML string value", leaf: "senml", payload: json([{ n: "pm25", vs: "high" }]), reason: "schema_violation" },
];

describe("bad input", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let station: MqttClient;
  let watcher: ReturnType<typeof collect>;
  const dir = tempDir("hub-bad-input");

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [{ id: "air-bad", kind: "air" }]);
    hub = await startHub(dir.path, { IOC_INFLUX_URL: influx.url });
    station = await connectDevice(hub.mqttUrl, creds.get("air-bad"));
    await station.subscribeAsync("ioc/v1/errors/air-bad", { qos: 1 });
    watcher = collect(station, "ioc/v1/errors/air-bad");
  });

  afterAll(async () => {
    await station?.endAsync();
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("gives each bad message its reason, keeps the valid readings between them, and stays up", async () => {
    let sent = 0;
    const good = async () => {
      await station.publishAsync("ioc/v1/sensors/air-bad/data", JSON.stringify({ values: { pm25: sent++ } }), { qos: 1 });
    };
    for (const c of cases) {
      await good();
      const before = watcher.messages.length;
      await station.publishAsync(`ioc/v1/sensors/air-bad/${c.leaf ?? "data"}`, c.payload, { qos: 1 });
      await watcher.waitFor(before + 1);
      const error = JSON.parse(watcher.messages[before]?.payload.toString() ?? "{}");
      expect({ case: c.name, reason: error.reason }).toEqual({ case: c.name, reason: c.reason });
      expect(error.topic).toBe(`ioc/v1/sensors/air-bad/${c.leaf ?? "data"}`);
      expect(typeof error.message).toBe("string");
    }
    await good();
    expect(station.connected).toBe(true);
    await expect.poll(async () => (await influx.rows('SELECT "pm25" FROM "env_reading"')).length, { timeout: 10_000 }).toBe(sent);
    const stored = (await influx.rows('SELECT "pm25" FROM "env_reading"')).map((r) => r.pm25).sort((a, b) => Number(a) - Number(b));
    expect(stored).toEqual(Array.from({ length: sent }, (_, i) => i));

    const health = await fetch(`${hub.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    for (const reason of new Set(cases.map((c) => c.reason))) {
      expect(metrics).toMatch(new RegExp(`ioc_messages_rejected_total\\{reason="${reason}"\\} [1-9]`));
    }
    const deadDir = join(dir.path, "dead-letter");
    const records = readdirSync(deadDir)
      .flatMap((f) => readFileSync(join(deadDir, f), "utf8").trim().split("\n"))
      .map((l) => JSON.parse(l) as { reasons: string[]; payloadBase64: string });
    expect(records).toHaveLength(cases.length);
    const nonUtf8 = records.find((r) => r.reasons.includes("payload_not_utf8"));
    expect(Buffer.from(nonUtf8?.payloadBase64 ?? "", "base64")).toEqual(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
  });

  it("keeps the good elements of a batch with one bad element and names the bad one", async () => {
    const before = watcher.messages.length;
    const base = Date.now() - 60_000;
    const batch = [
      { time: base, values: { pm10: 1 } },
      { time: base + 1000, values: { pm10: "x" } },
      { time: base + 2000, values: { pm10: 3 } },
    ];
    await station.publishAsync("ioc/v1/sensors/air-bad/data", JSON.stringify(batch), { qos: 1 });
    await watcher.waitFor(before + 1);
    const error = JSON.parse(watcher.messages[before]?.payload.toString() ?? "{}");
    expect(error).toMatchObject({ reason: "schema_violation", path: "/1/values/pm10", schema: "sensor-reading" });
    await expect
      .poll(async () => (await influx.rows('SELECT "pm10" FROM "env_reading" WHERE "pm10" > 0')).map((r) => r.pm10), { timeout: 10_000 })
      .toEqual([1, 3]);
  });

  it("closes the connection of a device that sends a packet over the size limit, and tells it why", async () => {
    const big = await connectDevice(hub.mqttUrl, creds.get("air-bad"));
    big.on("error", () => undefined);
    const closed = new Promise<void>((r) => big.once("close", () => r()));
    const before = watcher.messages.length;
    big.publish("ioc/v1/sensors/air-bad/data", Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    await closed;
    await watcher.waitFor(before + 1);
    expect(JSON.parse(watcher.messages[before]?.payload.toString() ?? "{}").reason).toBe("payload_too_large");
    expect((await fetch(`${hub.httpUrl}/healthz`)).status).toBe(200);
    big.end(true);
  });
});
