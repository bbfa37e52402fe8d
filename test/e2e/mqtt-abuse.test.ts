// MQTT protocol abuse against the real hub, with a well-behaved device publishing throughout: it
// must keep getting its PUBACKs. Malformed packets, a connection flood (over the per-address limit,
// and sockets that never send CONNECT), a subscriber that never reads, a device subscribing to `#`,
// oversized topics and retained-message spam; and, on a hub of its own, the cap on connections in all.
import { type Socket, connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { subackCodes } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";
import { hubMetric } from "../support/hub-metrics.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw TCP connection to a hub's MQTT port, kept in `sockets` to be destroyed after the tests. */
function rawConnection(port: number, sockets: Socket[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", () => undefined);
    socket.once("error", reject);
    sockets.push(socket);
  });
}

/** Whether `socket` is closed, or closes within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("MQTT protocol abuse", () => {
  const dir = tempDir("mqtt-abuse");
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let good: mqtt.MqttClient;
  let goodAcks = 0;
  let goodRunning = true;
  let goodLoop: Promise<void>;
  const sockets: Socket[] = [];

  const raw = () => rawConnection(hub.ports.mqtt as number, sockets);
  const metric = (reason: string) => hubMetric(hub.httpUrl, `ioc_auth_failures_total{reason="${reason}"}`);

  beforeAll(async () => {
    creds = await addDevices(dir.path, [
      { id: "air-good", kind: "air" },
      { id: "air-bad", kind: "air" },
      { id: "bridge-1", role: "integration" },
      { id: "bridge-2", role: "integration" },
    ]);
    const config = join(dir.path, "config.json");
    writeFileSync(config, JSON.stringify({ mqtt: { maxConnectionsPerIp: 40, connectTimeoutMs: 1000, drainTimeoutMs: 1000 } }));
    hub = await startHub(dir.path, { IOC_CONFIG: config, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    good = await mqtt.connectAsync(hub.mqttUrl, { ...(creds.get("air-good") as Credentials), clientId: "air-good", reconnectPeriod: 0 });
    goodLoop = (async () => {
      for (let i = 0; goodRunning; i++) {
        await good.publishAsync("ioc/v1/sensors/air-good/data", JSON.stringify({ values: { pm25: i % 100 } }), { qos: 1 });
        goodAcks++;
        await sleep(20);
      }
    })();
  }, 60_000);

  afterAll(async () => {
    goodRunning = false;
    await goodLoop?.catch(() => undefined);
    for (const s of sockets) s.destroy();
    await good?.endAsync(true);
    await hub?.stop();
    dir.remove();
  });

  /** The well-behaved device got PUBACKs during `what`. */
  const stillServed = async (what: () => Promise<void>) => {
    const before = goodAcks;
    await what();
    await sleep(300);
    expect(goodAcks, "the good device kept getting PUBACKs").toBeGreaterThan(before);
    expect(good.connected).toBe(true);
  };

  it("closes connections that send garbage or a malformed CONNECT", async () => {
    await stillServed(async () => {
      const garbage = await raw();
      garbage.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0x37]));
      expect(await closedWithin(garbage, 5000)).toBe(true);
      const badConnect = await raw();
      // A CONNECT whose remaining length promises more than the protocol name fits.
      badConnect.write(Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x09, 0xff, 0x00, 0x00, 0x00, 0x00]));
      expect(await closedWithin(badConnect, 5000)).toBe(true);
    });
  });

  it("refuses a flood past mqtt.maxConnectionsPerIp and closes sockets that never send CONNECT", async () => {
    await stillServed(async () => {
      const flood = await Promise.all(Array.from({ length: 60 }, () => raw()));
      const refusedAtOnce = (await Promise.all(flood.map((s) => closedWithin(s, 500)))).filter(Boolean).length;
      expect(refusedAtOnce).toBeGreaterThanOrEqual(60 - 39); // 40 per address, the good device is one
      expect(await metric("too_many_connections")).toBeGreaterThanOrEqual(21);
      // The rest never send CONNECT: closed after mqtt.connectTimeoutMs.
      expect((await Promise.all(flood.map((s) => closedWithin(s, 5000)))).every(Boolean)).toBe(true);
    });
    // Room again for new connections.
    const again = await mqtt.connectAsync(hub.mqttUrl, {
      ...(creds.get("air-bad") as Credentials),
      clientId: "air-bad",
      reconnectPeriod: 0,
    });
    expect(again.connected).toBe(true);
    await again.endAsync();
  });

  it("disconnects a subscriber that never reads, and keeps serving the publisher", async () => {
    const slow = await mqtt.connectAsync(hub.mqttUrl, { ...(creds.get("bridge-1") as Credentials), clientId: "slow", reconnectPeriod: 0 });
    await slow.subscribeAsync("bulk/#", { qos: 0 });
    const first = new Promise((resolve) => slow.once("message", resolve));
    const publisher = await mqtt.connectAsync(hub.mqttUrl, {
      ...(creds.get("bridge-2") as Credentials),
      clientId: "bridge-2",
      reconnectPeriod: 0,
    });
    const payload = Buffer.alloc(200 * 1024, 0x61);
    let acked = 0;
    await publisher.publishAsync("bulk/data", "hello", { qos: 1 });
    await first;
    (slow.stream as Socket).pause(); // never read again: the socket buffers fill, then the hub's writes stop draining
    // The paused client cannot see its own disconnection (it reads nothing, not even the FIN): the
    // hub's side tells — aedes' drain timeout closes the connection and the hub logs it.
    const slowGone = () => /"clientId":"slow"[^\n]*connection closed/.test(hub.output());
    await stillServed(async () => {
      const deadline = Date.now() + 20_000;
      while (!slowGone() && Date.now() < deadline) {
        await publisher.publishAsync("bulk/data", payload, { qos: 1 });
        acked++;
      }
    });
    expect(slowGone()).toBe(true);
    slow.end(true);
    expect(acked).toBeGreaterThan(0);
    await publisher.endAsync();
  }, 60_000);

  it("refuses `#` to a device, oversized topics, and keeps no retained spam", async () => {
    const device = await mqtt.connectAsync(hub.mqttUrl, {
      ...(creds.get("air-bad") as Credentials),
      clientId: "air-bad-2",
      reconnectPeriod: 0,
    });
    expect(await subackCodes(device, ["#"])).toEqual([0x80]);
    await device.endAsync();
    const bridge = await mqtt.connectAsync(hub.mqttUrl, {
      ...(creds.get("bridge-1") as Credentials),
      clientId: "bridge-1b",
      reconnectPeriod: 0,
    });
    expect(await subackCodes(bridge, [`${"x/".repeat(20)}y`])).toEqual([0x80]);
    expect(await subackCodes(bridge, ["z".repeat(300)])).toEqual([0x80]);
    await stillServed(async () => {
      for (let i = 0; i < 500; i++) await bridge.publishAsync(`spam/${i}`, "junk", { qos: 1, retain: true });
      await bridge.publishAsync("ioc/v1/devices/bridge-1/status", "online", { qos: 1, retain: true });
    });
    const late = await mqtt.connectAsync(hub.mqttUrl, { ...(creds.get("bridge-2") as Credentials), clientId: "late", reconnectPeriod: 0 });
    const received: string[] = [];
    late.on("message", (topic) => received.push(topic));
    await late.subscribeAsync(["spam/#", "ioc/v1/devices/+/status"], { qos: 1 });
    await sleep(500);
    expect(received).toEqual(["ioc/v1/devices/bridge-1/status"]);
    expect(await metric("retain_denied")).toBe(500);
    await late.endAsync();
    await bridge.endAsync();
  });
});

describe("the hub's total connection cap", () => {
  const dir = tempDir("mqtt-connection-cap");
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    creds = await addDevices(dir.path, [{ id: "air-cap", kind: "air" }]);
    const config = join(dir.path, "config.json");
    writeFileSync(config, JSON.stringify({ mqtt: { maxConnections: 10, connectTimeoutMs: 3000 } }));
    hub = await startHub(dir.path, { IOC_CONFIG: config, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await hub?.stop();
    dir.remove();
  });

  const open = () => rawConnection(hub.ports.mqtt as number, sockets);

  it("closes connections past mqtt.maxConnections at once, keeps the device it has, and takes new ones once there is room", async () => {
    const device = await mqtt.connectAsync(hub.mqttUrl, {
      ...(creds.get("air-cap") as Credentials),
      clientId: "air-cap",
      reconnectPeriod: 0,
    });
    // 9 more fill the cap; every one past it is closed before any MQTT is read.
    const flood = await Promise.all(Array.from({ length: 15 }, () => open()));
    const closedAtOnce = await Promise.all(flood.map((s) => closedWithin(s, 1000)));
    expect(closedAtOnce.filter(Boolean)).toHaveLength(6);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_auth_failures_total\{reason="connection_limit"\} 6/);
    // The device inside the cap is still served.
    await device.publishAsync("ioc/v1/sensors/air-cap/data", JSON.stringify({ values: { pm25: 12 } }), { qos: 1 });
    // The flood never sends CONNECT: closed after mqtt.connectTimeoutMs, and there is room again.
    expect((await Promise.all(flood.map((s) => closedWithin(s, 8000)))).every(Boolean)).toBe(true);
    // The hub counts a connection out when its close completes, a moment after this side saw it
    // closed: a device connecting in that moment is refused and reconnects, as this one does.
    let again: mqtt.MqttClient | undefined;
    for (let attempt = 0; !again && attempt < 10; attempt++) {
      again = await mqtt
        .connectAsync(hub.mqttUrl, { ...(creds.get("air-cap") as Credentials), clientId: "air-cap-2", reconnectPeriod: 0 })
        .catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)));
    }
    if (!again) throw new Error("no room for a device after the flood was closed");
    expect(again.connected).toBe(true);
    await again.endAsync();
    await device.endAsync();
  }, 30_000);
});
