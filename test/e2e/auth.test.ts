// Device authentication and the topic ACL, against the real hub with real MQTT clients.
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { connectPacket } from "../../simulators/mqtt-wire.js";
import { collect, connackCode, connectDevice, rawConnackCode, subackCodes } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";
import { hubMetric } from "../support/hub-metrics.js";

describe("MQTT authentication and ACL", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  const dir = tempDir("hub-auth");

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [
      { id: "air-1", kind: "air" },
      { id: "air-2", kind: "air" },
      { id: "water-1", kind: "water" },
      { id: "burst-1", kind: "air" },
      { id: "ops-1", role: "operator" },
      { id: "bridge-1", role: "integration" },
    ]);
    hub = await startHub(dir.path, {
      IOC_INFLUX_URL: influx.url,
      IOC_MQTT_PUBLISH_BURST: "30",
      IOC_MQTT_PUBLISH_RATE_PER_SECOND: "5",
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  const cred = (id: string) => creds.get(id) as Credentials;
  const metric = (name: string) => hubMetric(hub.httpUrl, name);
  const stationRows = async (station: string) => influx.rows(`SELECT * FROM "env_reading" WHERE "station" = '${station}'`);

  it("refuses bad credentials, unknown and disabled devices and anonymous clients with the right CONNACK code", async () => {
    expect(await connackCode(hub.mqttUrl, { username: "air-1", password: "wrong" })).toBe(4);
    expect(await connackCode(hub.mqttUrl, { username: "nobody", password: "x" })).toBe(4);
    expect(await connackCode(hub.mqttUrl, {})).toBe(5);
    const disabled = runCli(["devices", "disable", "water-1"], { IOC_DATA_DIR: dir.path });
    expect(disabled.status).toBe(0);
    expect(await connackCode(hub.mqttUrl, { ...cred("water-1") })).toBe(5);
    runCli(["devices", "enable", "water-1"], { IOC_DATA_DIR: dir.path });
    expect(await connackCode(hub.mqttUrl, { ...cred("water-1") })).toBe(0);
    expect(await metric('ioc_auth_failures_total{reason="bad_password"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('ioc_auth_failures_total{reason="unknown_device"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('ioc_auth_failures_total{reason="anonymous"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('ioc_auth_failures_total{reason="device_disabled"}')).toBeGreaterThanOrEqual(1);
    expect(hub.output()).toContain('"reason":"bad_password"');
    expect(hub.output()).not.toContain(cred("air-1").password);
  });

  it("answers a zero-length client id with a persistent session with CONNACK 0x02 [MQTT-3.1.3-8]", async () => {
    const { username, password } = cred("air-1");
    expect(await rawConnackCode(hub.ports.mqtt as number, connectPacket({ username, password, clientId: "", clean: false }))).toBe(2);
    expect(await rawConnackCode(hub.ports.mqtt as number, connectPacket({ username, password, clientId: "", clean: true }))).toBe(0);
  });

  it("refuses MQTT 5 (aedes speaks 3.1.1) with CONNACK 0x01", async () => {
    expect(await connackCode(hub.mqttUrl, { ...cred("air-1"), protocolVersion: 5 })).toBe(1);
  });

  it("drops a publish to another device's topic, reports it, and keeps the offender's own traffic working", async () => {
    const offender = await connectDevice(hub.mqttUrl, cred("air-2"));
    await offender.subscribeAsync("ioc/v1/errors/air-2", { qos: 1 });
    const errors = collect(offender, "ioc/v1/errors/air-2");
    const before = await metric('ioc_auth_failures_total{reason="publish_denied"}');
    await offender.publishAsync("ioc/v1/sensors/air-1/data", JSON.stringify({ values: { pm25: 999 } }), { qos: 1 });
    await errors.waitFor(1);
    const error = JSON.parse(errors.messages[0]?.payload.toString() ?? "{}");
    expect(error).toMatchObject({ reason: "publish_denied", topic: "ioc/v1/sensors/air-1/data" });
    expect(await metric('ioc_auth_failures_total{reason="publish_denied"}')).toBe(before + 1);
    expect(hub.output()).toContain("publish refused by the topic ACL");
    // Still connected, and its own data still goes in.
    await offender.publishAsync("ioc/v1/sensors/air-2/data", JSON.stringify({ values: { pm25: 12 } }), { qos: 1 });
    expect(offender.connected).toBe(true);
    await expect.poll(async () => (await stationRows("air-2")).length, { timeout: 10_000 }).toBe(1);
    expect((await stationRows("air-1")).filter((r) => r.pm25 === 999)).toEqual([]);
    await offender.endAsync();
  });

  it("answers a subscription outside the ACL with SUBACK 0x80 and keeps the connection", async () => {
    const device = await connectDevice(hub.mqttUrl, cred("air-1"));
    expect(await subackCodes(device, ["ioc/v1/errors/air-2", "ioc/v1/errors/air-1", "ioc/v1/#"])).toEqual([128, 1, 128]);
    expect(device.connected).toBe(true);
    await device.publishAsync("ioc/v1/sensors/air-1/data", JSON.stringify({ values: { pm25: 5 } }), { qos: 1 });
    await expect.poll(async () => (await stationRows("air-1")).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(await metric('ioc_auth_failures_total{reason="subscribe_denied"}')).toBeGreaterThanOrEqual(2);
    await device.endAsync();
  });

  it("lets operators read alerts and device data but not publish or read error topics", async () => {
    const operator = await connectDevice(hub.mqttUrl, cred("ops-1"));
    expect(await subackCodes(operator, ["ioc/v1/alerts/#", "ioc/v1/sensors/+/data", "ioc/v1/errors/#", "#"])).toEqual([1, 1, 128, 128]);
    const data = collect(operator, "ioc/v1/sensors/+/data");
    const station = await connectDevice(hub.mqttUrl, cred("air-1"));
    await station.publishAsync("ioc/v1/sensors/air-1/data", JSON.stringify({ values: { pm10: 40 } }), { qos: 1 });
    await data.waitFor(1);
    await operator.publishAsync("ioc/v1/sensors/air-1/data", JSON.stringify({ values: { pm10: 666 } }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect((await stationRows("air-1")).filter((r) => r.pm10 === 666)).toEqual([]);
    await Promise.all([operator.endAsync(), station.endAsync()]);
  });

  it("lets an integration subscribe to everything except other devices' errors", async () => {
    const bridge = await connectDevice(hub.mqttUrl, cred("bridge-1"));
    const granted = await bridge.subscribeAsync("#", { qos: 1 });
    expect(granted[0]?.qos).toBe(1);
    const all = collect(bridge, "#");
    const station = await connectDevice(hub.mqttUrl, cred("air-1"));
    await station.publishAsync("ioc/v1/sensors/air-1/data", "not json", { qos: 1 });
    await all.waitFor(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(all.messages.map((m) => m.topic)).toContain("ioc/v1/sensors/air-1/data");
    expect(all.messages.map((m) => m.topic)).not.toContain("ioc/v1/errors/air-1");
    await Promise.all([bridge.endAsync(), station.endAsync()]);
  });

  it("serves MQTT over WebSocket at /mqtt with the same authentication", async () => {
    const wsUrl = `ws://127.0.0.1:${hub.ports.http}/mqtt`;
    expect(await connackCode(wsUrl, { username: "air-1", password: "wrong" })).toBe(4);
    const client = await mqtt.connectAsync(wsUrl, { protocolVersion: 4, reconnectPeriod: 0, ...cred("water-1") });
    await client.publishAsync("ioc/v1/sensors/water-1/data", JSON.stringify({ values: { ph: 7.1, do: 6.4 } }), { qos: 1 });
    await expect.poll(async () => (await stationRows("water-1")).length, { timeout: 10_000 }).toBe(1);
    const [row] = await stationRows("water-1");
    expect(row).toMatchObject({ kind: "water", source: "websocket", ph: 7.1, do: 6.4 });
    await client.endAsync();
  });

  it("tells a device that publishes too fast, and closes its connection without acknowledging", async () => {
    const watcher = await connectDevice(hub.mqttUrl, cred("burst-1"));
    await watcher.subscribeAsync("ioc/v1/errors/burst-1", { qos: 1 });
    const errors = collect(watcher, "ioc/v1/errors/burst-1");
    const flooder = await connectDevice(hub.mqttUrl, cred("burst-1"));
    flooder.on("error", () => undefined);
    const closed = new Promise<void>((r) => flooder.once("close", () => r()));
    for (let i = 0; i < 60; i++) flooder.publish("ioc/v1/sensors/burst-1/data", JSON.stringify({ values: { pm25: i } }), { qos: 1 });
    await closed;
    await errors.waitFor(1);
    expect(JSON.parse(errors.messages[0]?.payload.toString() ?? "{}").reason).toBe("rate_limited");
    expect(await metric('ioc_messages_rejected_total{reason="rate_limited"}')).toBeGreaterThanOrEqual(1);
    await watcher.endAsync();
    flooder.end(true);
  });
});
