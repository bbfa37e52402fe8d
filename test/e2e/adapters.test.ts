// Adapters with real ports: pty pairs from socat stand for USB serial devices (an AIS receiver, a
// data logger printing key=value lines, an RS-485 Modbus bus of water sensors answered by a slave
// simulator), plus a UDP NMEA feed and a TCP feed on loopback. Everything goes through the hub's
// one pipeline into a real influxd; unplugging, line noise and misbehaving slaves are part of it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterStatusDoc } from "../../adapters/adapter-status.js";
import { aisNmeaDecoder } from "../../ingest/decoders/ais-nmea.js";
import { SchemaRegistry } from "../../ingest/schema-registry.js";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, cliPath, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { type ModbusSlaveBus, modbusSlaveBus } from "../support/modbus-slave.js";
import { type PtyPair, ptyPair } from "../support/pty-pair.js";
import { tempDir } from "../support/temp-dir.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function nmea(body: string): string {
  let sum = 0;
  for (const c of body) sum ^= c.charCodeAt(0);
  return `${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
}

describe("adapters on real ports", () => {
  const dir = tempDir("adapters");
  let influx: TestInfluxd;
  let hub: HubProcess;
  let ais: PtyPair;
  let logger: PtyPair;
  let modbus: PtyPair;
  let stations: PtyPair;
  let slaves: ModbusSlaveBus;
  let feed: Server;
  const feedClients: Socket[] = [];
  let operator: Credentials;
  const start = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000).toISOString();

  const adapters = async (): Promise<AdapterStatusDoc[]> => {
    const response = await fetch(`${hub.httpUrl}/api/v1/adapters`, {
      headers: { authorization: `Basic ${Buffer.from(`${operator.username}:${operator.password}`).toString("base64")}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as AdapterStatusDoc[];
  };
  const adapter = async (id: string) => (await adapters()).find((a) => a.adapter === id) as AdapterStatusDoc;
  const count = async (q: string) => Number((await influx.rows(q))[0]?.count ?? 0);

  beforeAll(async () => {
    influx = await startTestInfluxd();
    [ais, logger, modbus, stations] = (await Promise.all(
      ["ais", "logger", "modbus", "stations"].map((name) => ptyPair(dir.path, name)),
    )) as [PtyPair, PtyPair, PtyPair, PtyPair];
    const registers = new Map([
      [0, 721], // pH × 100
      [1, 274], // temperature × 10
      [2, 0x40d8], // dissolved oxygen, float32 6.75, high word first
      [3, 0x0000],
    ]);
    slaves = await modbusSlaveBus(
      modbus.device,
      new Map([
        [1, { registers }],
        [2, { registers, behaviour: "silent" as const }],
        [3, { registers, behaviour: "bad-crc" as const }],
      ]),
    );
    feed = createServer((socket) => {
      feedClients.push(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((r) => feed.listen(0, "127.0.0.1", () => r()));
    const feedPort = (feed.address() as { port: number }).port;
    const waterMap = [
      { address: 0, quantity: "ph", scale: 0.01 },
      { address: 1, quantity: "temperature", unit: "Cel", scale: 0.1 },
      { address: 2, type: "float32", quantity: "do", unit: "mg/L" },
    ];
    writeFileSync(
      join(dir.path, "config.json"),
      JSON.stringify({
        adapters: [
          { id: "rx-serial", type: "serial", path: ais.port, format: "ais-nmea", maxLineBytes: 256 },
          {
            id: "logger-1",
            type: "serial",
            path: logger.port,
            format: "sensor-lines",
            kind: "water",
            subject: "HUE-WQ-LOG1",
            downAlertAfterMs: 1000,
            lines: { style: "key-value", fields: { ph: { quantity: "ph" }, t: { quantity: "temperature", unit: "Cel" } } },
          },
          {
            id: "bus-1",
            type: "modbus-rtu",
            path: modbus.port,
            intervalMs: 300,
            timeoutMs: 150,
            slaves: [
              { unitId: 1, station: "HUE-WQ-MB1", registers: waterMap },
              { unitId: 2, station: "HUE-WQ-MB2", registers: waterMap },
              { unitId: 3, station: "HUE-WQ-MB3", registers: waterMap },
            ],
          },
          {
            // A logger printing the simulated water stations as `station=… time=… ph=7.1 …` lines.
            id: "logger-sim",
            type: "serial",
            path: stations.port,
            format: "sensor-lines",
            kind: "water",
            lines: {
              style: "key-value",
              stationField: "station",
              timeField: "time",
              fields: Object.fromEntries(
                ["ph", "do", "turbidity", "salinity", "conductivity", "temperature", "bod5", "cod", "nh4", "po4", "coliform"].map((q) => [
                  q,
                  { quantity: q },
                ]),
              ),
            },
          },
          { id: "rx-udp", type: "udp", host: "127.0.0.1", port: 0, format: "ais-nmea" },
          {
            id: "feed-tcp",
            type: "tcp",
            host: "127.0.0.1",
            port: feedPort,
            format: "sensor-lines",
            kind: "air",
            lines: {
              style: "csv",
              columns: ["station", "pm25"],
              stationField: "station",
              fields: { pm25: { quantity: "pm25", unit: "ug/m3" } },
            },
          },
        ],
      }),
    );
    operator = (await addDevices(dir.path, [{ id: "ops", role: "operator" }])).get("ops") as Credentials;
    hub = await startHub(dir.path, {
      IOC_CONFIG: join(dir.path, "config.json"),
      IOC_INFLUX_URL: influx.url,
      IOC_INFLUX_FLUSH_INTERVAL_MS: "20",
      IOC_RULES_TICK_INTERVAL_MS: "200",
    });
    await until("every adapter up", async () => (await adapters()).every((a) => a.state === "up") || undefined);
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    await slaves?.close();
    for (const c of feedClients) c.destroy();
    feed?.close();
    for (const pair of [ais, logger, modbus, stations]) await pair?.unplug();
    await influx?.destroy();
    dir.remove();
  });

  it("decodes the simulator's AIS from a serial receiver exactly as the decoder does, line for line", async () => {
    const args = ["simulate", "--scenario", "hue-coast", "--seed", "7", "--duration", "1h", "--start", start];
    const run = spawnSync(process.execPath, [cliPath, ...args, "--serial", ais.device, "--speed", "0"], {
      env: { PATH: process.env.PATH ?? "", IOC_DATA_DIR: dir.path },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const written = Number(/wrote (\d+) NMEA lines/.exec(run.stderr)?.[1]);
    expect(written).toBeGreaterThan(500);
    // What the same messages give through the decoder alone: the expected positions.
    const file = join(dir.path, "hue-coast.jsonl");
    const out = spawnSync(process.execPath, [cliPath, ...args, "--out", file], { encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    const schemas = new SchemaRegistry();
    let expected = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      const message = JSON.parse(line) as { topic: string; payload: string };
      if (!message.topic.startsWith("ioc/v1/ais/")) continue;
      const decoded = aisNmeaDecoder.decode(
        {
          via: "file",
          format: "ais-nmea",
          deviceId: "x",
          subjectId: "expected",
          receivedAt: Date.now(),
          bytes: Buffer.from(message.payload),
        },
        { schemas, limits: { maxBatchReadings: 1000, maxJsonDepth: 16 } },
      );
      expected += decoded.observations.filter((o) => o.type === "vessel_position").length;
    }
    expect(expected).toBeGreaterThan(100);
    await until("every line handed over", async () => ((await adapter("rx-serial")).counters.lines === written ? true : undefined));
    const stored = await until("the positions in InfluxDB", async () => {
      const n = await count("SELECT count(lat) FROM vessel_position WHERE receiver = 'rx-serial'");
      return n === expected ? n : undefined;
    });
    expect(stored).toBe(expected);
    const status = await adapter("rx-serial");
    expect(status.counters.garbage).toBe(0);
    expect(status.counters.droppedQueueFull).toBe(0);
  }, 90_000);

  it("reads the simulator's water stations from a data logger's serial lines, every reading", async () => {
    const args = ["simulate", "--scenario", "hue-water", "--seed", "3", "--duration", "1h", "--start", start];
    const run = spawnSync(process.execPath, [cliPath, ...args, "--serial", stations.device, "--speed", "0"], {
      env: { PATH: process.env.PATH ?? "", IOC_DATA_DIR: dir.path },
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const written = Number(/wrote (\d+) station lines/.exec(run.stderr)?.[1]);
    expect(written).toBeGreaterThan(50);
    const stored = await until("every station line in InfluxDB", async () => {
      const n = await count("SELECT count(temperature) FROM env_reading WHERE source = 'serial' AND station =~ /^wq-/");
      return n === written ? n : undefined;
    });
    expect(stored).toBe(written);
    const status = await adapter("logger-sim");
    expect(status.counters.lines).toBe(written);
    expect(status.counters.garbage + status.counters.droppedQueueFull + status.counters.overlong).toBe(0);
  }, 60_000);

  it("keeps the good sentences around line noise, overlong lines and bad checksums, and counts the rest", async () => {
    const before = await adapter("rx-serial");
    const t = Math.floor(Date.now() / 1000);
    // A real class B position (MMSI 230108610, from the gpsd corpus) with tag-block times a second apart.
    const body = "AIVDM,1,1,,A,B3KLehP0B@LTN6`Vl;rrBE063P06,0";
    const good = [0, 1, 2].map((i) => `\\${nmea(`c:${t - 30 + i}`)}\\!${nmea(body)}`);
    const noise = Buffer.concat([
      Buffer.from("\x00\xff\xfe~~"),
      Buffer.from(`${good[0]}\r\n`),
      Buffer.from([0x07, 0x1b, 0x80, 0x0d, 0x0a]), // a line of pure noise
      Buffer.from(`${"X".repeat(400)}\r\n`), // longer than maxLineBytes (256)
      Buffer.from(`!${nmea(body).slice(0, -2)}00\r\n`), // wrong checksum
      Buffer.from(`\x11\x13${good[1]}\r\n`),
      Buffer.from(`${good[2]}\r\n`),
    ]);
    appendFileSync(ais.device, noise);
    const after = await until("the noisy lines handled", async () => {
      const s = await adapter("rx-serial");
      return s.counters.lines - before.counters.lines >= 4 && s.counters.overlong > before.counters.overlong ? s : undefined;
    });
    expect(after.counters.overlong - before.counters.overlong).toBe(1);
    expect(after.counters.garbage - before.counters.garbage).toBe(3);
    const positions = await until("the three good positions", async () => {
      const rows = await influx.rows(
        `SELECT lat FROM vessel_position WHERE mmsi = '230108610' AND receiver = 'rx-serial' AND time >= ${(t - 31) * 1e9}`,
      );
      return rows.length === 3 ? rows : undefined;
    });
    expect(positions).toHaveLength(3);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_messages_rejected_total\{reason="ais_sentence_invalid"\} [1-9]/);
    expect(metrics).toMatch(/ioc_adapter_overlong_lines_total\{adapter="rx-serial"\} 1/);
    const deadLetters = readFileSync(join(dir.path, "dead-letter", "dead-letter.jsonl"), "utf8");
    expect(deadLetters).toContain('"line_too_long"');
  }, 60_000);

  it("polls Modbus slaves: good values stored, timeouts and CRC errors counted per slave", async () => {
    const rows = await until("Modbus readings of unit 1", async () => {
      const r = await influx.rows("SELECT ph, temperature, do FROM env_reading WHERE station = 'HUE-WQ-MB1'");
      return r.length >= 2 ? r : undefined;
    });
    expect(rows[0]).toMatchObject({ ph: 7.21, temperature: 27.4, do: 6.75 }); // scaled values carry no float noise (274 × 0.1)
    const status = await until("errors of units 2 and 3", async () => {
      const s = await adapter("bus-1");
      return (s.counters.modbusErrors["2:timeout"] ?? 0) >= 2 && (s.counters.modbusErrors["3:crc"] ?? 0) >= 2 ? s : undefined;
    });
    expect(status.state).toBe("up");
    expect(await count("SELECT count(ph) FROM env_reading WHERE station = 'HUE-WQ-MB2' OR station = 'HUE-WQ-MB3'")).toBe(0);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_modbus_errors_total\{adapter="bus-1",unit="2",kind="timeout"\} [1-9]/);
    expect(metrics).toMatch(/ioc_modbus_errors_total\{adapter="bus-1",unit="3",kind="crc"\} [1-9]/);
  }, 60_000);

  it("recovers a serial logger unplugged mid-stream: down with the error, a system alert, up again, the gap counted", async () => {
    const client = await mqtt.connectAsync(hub.mqttUrl, { ...operator, clientId: "ops-status", reconnectPeriod: 0 });
    const states: string[] = [];
    client.on("message", (_topic, payload) => states.push((JSON.parse(payload.toString()) as AdapterStatusDoc).state));
    await client.subscribeAsync("ioc/v1/devices/logger-1/status", { qos: 1 });
    await until("the retained status", () => (states.length > 0 ? true : undefined));
    expect(states[0]).toBe("up");
    appendFileSync(logger.device, "ph=7.1 t=27.0\r\nph=7.2 t=27.1\r\nph=7.3 t="); // the last line is torn by the unplug
    await until("two readings", async () =>
      (await count("SELECT count(ph) FROM env_reading WHERE station = 'HUE-WQ-LOG1'")) === 2 ? true : undefined,
    );
    await logger.unplug();
    const down = await until("the adapter down", async () => {
      const s = await adapter("logger-1");
      return s.state !== "up" ? s : undefined;
    });
    expect(down.lastError).toBeTruthy();
    const auth = { authorization: `Basic ${Buffer.from(`${operator.username}:${operator.password}`).toString("base64")}` };
    const alert = await until("the adapter-down alert", async () => {
      const list = (await (await fetch(`${hub.httpUrl}/api/v1/alerts?domain=system`, { headers: auth })).json()) as {
        alerts: { rule: string; subject: string; state: string }[];
      };
      return list.alerts.find((a) => a.rule === "adapter-down" && a.subject === "logger-1");
    });
    expect(alert.state).not.toBe("closed");
    await sleep(1500);
    await logger.plug();
    const up = await until(
      "the adapter up again",
      async () => {
        const s = await adapter("logger-1");
        return s.state === "up" ? s : undefined;
      },
      40_000,
    );
    expect(up.counters.reconnects).toBe(1);
    expect(up.counters.downMs).toBeGreaterThanOrEqual(1500);
    appendFileSync(logger.device, "ph=7.4 t=27.2\r\n");
    await until("the reading after the replug", async () =>
      (await count("SELECT count(ph) FROM env_reading WHERE station = 'HUE-WQ-LOG1'")) === 3 ? true : undefined,
    );
    const cleared = await until("the alert cleared", async () => {
      const list = (await (await fetch(`${hub.httpUrl}/api/v1/alerts?domain=system`, { headers: auth })).json()) as {
        alerts: { rule: string; subject: string; condition?: string; state: string; clearedAt?: string }[];
      };
      const a = list.alerts.find((x) => x.rule === "adapter-down" && x.subject === "logger-1");
      return a?.clearedAt ? a : undefined;
    });
    expect(cleared.clearedAt).toBeTruthy();
    expect(states).toEqual(expect.arrayContaining(["up", "down", "connecting"]));
    expect(states.at(-1)).toBe("up");
    await client.endAsync();
  }, 90_000);

  it("reads NMEA datagrams over UDP and sensor lines from a TCP feed, and reconnects the feed", async () => {
    const udp = await adapter("rx-udp");
    const port = Number(/:(\d+)$/.exec(udp.address)?.[1]);
    const t = Math.floor(Date.now() / 1000);
    const socket = createSocket("udp4");
    const body = "AIVDM,1,1,,B,B3KLehP0B@LTN6`Vl;rrBE063P06,0";
    // Two sentences in one datagram, one in another without a final newline.
    await new Promise<void>((r) =>
      socket.send(`\\${nmea(`c:${t - 10}`)}\\!${nmea(body)}\r\n\\${nmea(`c:${t - 9}`)}\\!${nmea(body)}\r\n`, port, "127.0.0.1", () => r()),
    );
    await new Promise<void>((r) => socket.send(`\\${nmea(`c:${t - 8}`)}\\!${nmea(body)}`, port, "127.0.0.1", () => r()));
    socket.close();
    await until("three UDP positions", async () => {
      const n = await count(`SELECT count(lat) FROM vessel_position WHERE receiver = 'rx-udp'`);
      return n === 3 ? n : undefined;
    });

    const first = await until("the feed connected", () => feedClients[0]);
    first.write("HUE-AQ-T1,12.5\nHUE-AQ-T2,40\n");
    await until("two TCP readings", async () =>
      (await count("SELECT count(pm25) FROM env_reading WHERE station =~ /^HUE-AQ-T/")) === 2 ? true : undefined,
    );
    first.destroy(); // the feed drops the connection
    const second = await until("the adapter reconnected", () => feedClients[1], 30_000);
    second.write("HUE-AQ-T3,7\n");
    await until("the reading after the reconnect", async () =>
      (await count("SELECT count(pm25) FROM env_reading WHERE station =~ /^HUE-AQ-T/")) === 3 ? true : undefined,
    );
    const status = await until("reconnect counted", async () => {
      const s = await adapter("feed-tcp");
      return s.counters.reconnects === 1 && s.state === "up" ? s : undefined;
    });
    expect(status.counters.lines).toBe(3);
  }, 60_000);

  it("runs one adapter stand-alone: --print shows what it decodes, --mqtt forwards to the hub as a gateway", async () => {
    const gateway = await ptyPair(dir.path, "gateway");
    const station = "HUE-WQ-GW1";
    const credentials = (await addDevices(dir.path, [{ id: station, kind: "water" }])).get(station) as Credentials;
    const configFile = join(dir.path, "gateway.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        logLevel: "info",
        adapters: [
          {
            id: "gw-logger",
            type: "serial",
            path: gateway.port,
            format: "sensor-lines",
            kind: "water",
            subject: station,
            lines: { style: "csv", columns: ["ph", "do"], fields: { ph: { quantity: "ph" }, do: { quantity: "do", unit: "mg/L" } } },
          },
        ],
      }),
    );
    const run = (args: string[]): { child: ChildProcess; out: () => string } => {
      const child = spawn(process.execPath, [cliPath, "adapter", "run", "gw-logger", "--config", configFile, ...args], {
        env: { PATH: process.env.PATH ?? "", IOC_DATA_DIR: join(dir.path, "gateway-data") },
      });
      let out = "";
      child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
      return { child, out: () => out };
    };
    const stopped = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once("exit", r)));

    // Opening a serial port flushes its input: the first line is written once the adapter says it is up.
    const isUp = (p: { out: () => string }) =>
      until("the adapter up", () => (p.out().includes('"adapter up"') ? true : undefined)).catch((error: Error) => {
        throw new Error(`${error.message}; it printed:\n${p.out()}`);
      });
    const results = (p: { out: () => string }) =>
      p
        .out()
        .split("\n")
        .filter((l) => l.startsWith('{"type"') || l.startsWith('{"rejected"'))
        .map((l) => JSON.parse(l));
    const printer = run(["--print"]);
    await isUp(printer);
    appendFileSync(gateway.device, "ph,do\r\n7.05,6.1\r\n7.1,x\r\n");
    await until("two printed results", () => (results(printer).length >= 2 ? true : undefined));
    printer.child.kill("SIGTERM");
    expect(await stopped(printer.child)).toBe(0);
    const printed = results(printer);
    expect(printed[0]).toMatchObject({ type: "sensor_reading", station, values: { ph: 7.05, do: 6.1 } });
    expect(printed[1]).toMatchObject({ rejected: { reason: "line_invalid", path: "/line/2" } });

    const forwarder = run(["--mqtt", hub.mqttUrl, "--username", credentials.username, `--password=${credentials.password}`]);
    await isUp(forwarder);
    appendFileSync(gateway.device, "7.2,6.3\r\n7.3,6.4\r\n");
    const rows = await until("the gateway's readings in InfluxDB", async () => {
      const r = await influx.rows(`SELECT ph, "do" FROM env_reading WHERE station = '${station}'`);
      return r.length === 2 ? r : undefined;
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the gateway printed:\n${forwarder.out()}`);
    });
    expect(rows.map((r) => r.ph)).toEqual([7.2, 7.3]);
    forwarder.child.kill("SIGTERM");
    expect(await stopped(forwarder.child)).toBe(0);
    await gateway.unplug();
  }, 60_000);
});
