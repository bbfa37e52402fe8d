// `ioc-hub simulate --scenario hue-coast|hue-air|hue-water|hue-all --seed <n> [--duration 14h]
//   [--start <ISO time>] [--speed 60] [--out file.jsonl] [--mqtt url --devices devices.json] [--serial <device>]`
// --out writes the scenario's messages as JSON lines {time, device, topic, payload}, plus
// <file>.answer.json (the alerts the misbehaviour must raise) and <file>.vessels.json (the register, for
// `ioc-hub vessels import`): the same seed and start give byte-identical files. --mqtt publishes them to
// a hub, each device with its own credentials from --devices ({"<device id>": "<password>"}), at
// --speed times real time (0: as fast as the broker acknowledges), QoS 1, reconnecting with backoff and
// keeping messages queued while disconnected (mqtt.js's outgoing store).
import { readFileSync, writeFileSync } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import { FleetScenario, type FleetRun, loadFleetConfig } from "./fleet-scenario.js";
import { type SimMessage, fleetMessages } from "./fleet-messages.js";
import { type LoadKind, loadKinds, runLoadMix } from "./load-mix.js";
import { loadEnvironmentConfig, stationScenario } from "./station-scenario.js";

export interface SimulateOptions {
  scenario: string;
  seed: number;
  durationH: number;
  startMs: number;
  stepS: number;
}

export const scenarios = ["hue-coast", "hue-air", "hue-water", "hue-all"] as const;

export interface Simulation {
  /** The fleet's run (hue-coast and hue-all). */
  run?: FleetRun;
  messages: SimMessage[];
  answerKey: { rule: string; subject: string; kind: string }[];
}

/** The scenario's messages and answer key (deterministic for the options). */
export function simulate(options: SimulateOptions): Simulation {
  if (!(scenarios as readonly string[]).includes(options.scenario))
    throw new Error(`unknown scenario "${options.scenario}"; scenarios: ${scenarios.join(", ")}`);
  const parts: Simulation[] = [];
  if (options.scenario === "hue-coast" || options.scenario === "hue-all") {
    const config = loadFleetConfig();
    const run = new FleetScenario(config, options.seed).run({
      startMs: options.startMs,
      durationH: options.durationH,
      stepS: options.stepS,
    });
    parts.push({ run, messages: fleetMessages(config, run), answerKey: run.answerKey });
  }
  const kinds: ("air" | "water")[] =
    options.scenario === "hue-air"
      ? ["air"]
      : options.scenario === "hue-water"
        ? ["water"]
        : options.scenario === "hue-all"
          ? ["air", "water"]
          : [];
  if (kinds.length > 0) parts.push(stationScenario(loadEnvironmentConfig(), kinds, options.seed, options.startMs, options.durationH));
  const run = parts.find((p) => p.run)?.run;
  return {
    ...(run && { run }),
    // A stable order: by time, then as each part produced them.
    messages: parts.flatMap((p) => p.messages).sort((a, b) => a.timeMs - b.timeMs),
    answerKey: parts.flatMap((p) => p.answerKey),
  };
}

/** The devices a scenario publishes as, by kind (for provisioning). */
export function scenarioDevices(
  simulation: Simulation,
): { id: string; kind?: "vessel" | "ais-receiver" | "air" | "water"; role?: "integration" }[] {
  const vms = new Set((simulation.run?.vessels ?? []).map((v) => v.vmsDeviceId).filter((id): id is string => id !== undefined));
  const stations = new Map(loadEnvironmentConfig().stations.map((s) => [s.id, s.kind]));
  const devices = [...new Set(simulation.messages.map((m) => m.device))].sort();
  return devices.map((id) => {
    const station = stations.get(id);
    if (station) return { id, kind: station };
    if (id.startsWith("rx-")) return { id, kind: "ais-receiver" as const };
    return vms.has(id) ? { id, kind: "vessel" as const } : { id, role: "integration" as const };
  });
}

export function registerOf(run: FleetRun | undefined): Record<string, unknown>[] {
  return (run?.vessels ?? []).map((v) => ({
    id: v.id,
    name: v.name,
    lengthM: v.lengthM,
    homePort: v.homePortName,
    mmsi: v.mmsi,
    ...(v.vmsDeviceId && { vmsDeviceId: v.vmsDeviceId }),
  }));
}

/** "30s", "5m", "2h" or plain seconds, in seconds. */
function parseSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!m) throw new Error(`--duration must look like 30s, 5m or 2h (got "${text}")`);
  return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
}

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(h|m)?$/.exec(text);
  if (!m) throw new Error(`--duration must look like 14h or 90m (got "${text}")`);
  return m[2] === "m" ? Number(m[1]) / 60 : Number(m[1]);
}

/** Publishes messages to a hub, one client per device; resolves when every QoS 1 message is acknowledged. */
export async function publishMessages(
  url: string,
  passwords: Record<string, string>,
  messages: SimMessage[],
  speed: number,
  log: (line: string) => void,
): Promise<void> {
  const clients = new Map<string, MqttClient>();
  for (const device of new Set(messages.map((m) => m.device))) {
    const password = passwords[device];
    if (password === undefined) throw new Error(`no password for device ${device} in the devices file`);
    const client = await mqtt.connectAsync(url, {
      username: device,
      password,
      clientId: `sim-${device}`,
      clean: false,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
    });
    // Reconnect with exponential backoff (1 s doubling to 30 s, with jitter), back to 1 s once connected;
    // QoS 1 messages published meanwhile wait in mqtt.js's outgoing store and go out on reconnect.
    client.on("close", () => {
      client.options.reconnectPeriod = Math.round(
        Math.min(30_000, (client.options.reconnectPeriod ?? 1000) * 2) * (0.75 + Math.random() * 0.5),
      );
    });
    client.on("connect", () => {
      client.options.reconnectPeriod = 1000;
    });
    clients.set(device, client);
  }
  const first = messages[0]?.timeMs ?? 0;
  const started = Date.now();
  let inFlight: Promise<unknown>[] = [];
  for (const [i, message] of messages.entries()) {
    if (speed > 0) {
      const due = started + (message.timeMs - first) / speed;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    inFlight.push((clients.get(message.device) as MqttClient).publishAsync(message.topic, message.payload, { qos: 1 }));
    // A bounded window of unacknowledged messages keeps memory flat at any speed.
    if (inFlight.length >= 200) {
      await Promise.all(inFlight);
      inFlight = [];
    }
    if (i > 0 && i % 5000 === 0) log(`published ${i} of ${messages.length}`);
  }
  await Promise.all(inFlight);
  await Promise.all([...clients.values()].map((c) => c.endAsync()));
}

/**
 * A station message (sensor JSON, one reading or a batch) as data-logger lines:
 * `station=<id> time=<ISO 8601> <quantity>=<value> …`, values in the quantities' canonical units.
 */
export function stationLines(message: SimMessage): string[] {
  const station = message.topic.split("/")[3] as string;
  const parsed = JSON.parse(message.payload) as
    | { time?: string | number; values: Record<string, number> }
    | { time?: string | number; values: Record<string, number> }[];
  return (Array.isArray(parsed) ? parsed : [parsed]).map((r) => {
    const time = r.time === undefined ? new Date(message.timeMs).toISOString() : new Date(r.time).toISOString();
    return [`station=${station}`, `time=${time}`, ...Object.entries(r.values).map(([q, v]) => `${q}=${v}`)].join(" ");
  });
}

/**
 * Writes to a serial device (a receiver's or logger's port, or one end of a pty), paced like --mqtt:
 * the AIS of the scenario as NMEA lines when it has vessels, else its stations' readings as
 * data-logger lines (stationLines). Lines end with CR LF, as receivers and loggers send them.
 */
export async function writeSerial(
  path: string,
  messages: SimMessage[],
  speed: number,
): Promise<{ lines: number; kind: "NMEA" | "station" }> {
  const { createWriteStream } = await import("node:fs");
  const port = createWriteStream(path, { flags: "a" });
  await new Promise<void>((resolve, reject) => {
    port.once("open", () => resolve());
    port.once("error", reject);
  });
  const ais = messages.filter((m) => m.topic.startsWith("ioc/v1/ais/"));
  const kind = ais.length > 0 ? "NMEA" : "station";
  const selected = kind === "NMEA" ? ais : messages.filter((m) => /^ioc\/v1\/sensors\/[^/]+\/data$/.test(m.topic));
  const first = selected[0]?.timeMs ?? 0;
  const started = Date.now();
  let lines = 0;
  for (const message of selected) {
    if (speed > 0) {
      const wait = started + (message.timeMs - first) / speed - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const text = kind === "NMEA" ? message.payload.replace(/\n/g, "\r\n") : `${stationLines(message).join("\r\n")}\r\n`;
    lines += text.split("\r\n").length - 1;
    // A full port buffer waits for the reader.
    if (!port.write(text)) await new Promise<void>((r) => port.once("drain", () => r()));
  }
  await new Promise<void>((resolve) => port.end(() => resolve()));
  return { lines, kind };
}

export async function runSimulateCommand(
  values: Record<string, string | boolean | undefined>,
  positionals: string[] = [],
): Promise<number> {
  if (positionals[0] === "load") {
    const mix = String(values.mix ?? "air,water,ais,vms").split(",") as LoadKind[];
    const devices = Number(values.count ?? 100);
    const rate = Number(values.rate ?? 1000);
    const durationS = parseSeconds(String(values.duration ?? "30s"));
    if (!mix.every((k) => (loadKinds as readonly string[]).includes(k)) || !(devices > 0) || !(rate > 0) || !values.mqtt) {
      process.stderr.write(`ioc-hub: simulate load needs --mqtt <url>, --devices N, --rate R, --mix of ${loadKinds.join(",")}\n`);
      return 2;
    }
    const url = new URL(values.mqtt as string);
    if (!["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname)) {
      process.stderr.write("ioc-hub: simulate load only targets loopback (127.0.0.1, ::1)\n");
      return 2;
    }
    const result = await runLoadMix({
      devices,
      rate,
      mix,
      durationS,
      url: values.mqtt as string,
      dataDir: String(values.dataDir),
      seed: Number(values.seed ?? 1),
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const scenario = (values.scenario as string | undefined) ?? "hue-coast";
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(seed)) {
    process.stderr.write("ioc-hub: --seed must be an integer\n");
    return 2;
  }
  let options: SimulateOptions;
  try {
    const out = values.out as string | undefined;
    // A file is reproducible: without --start it starts at a fixed time; live runs end now.
    const durationH = parseDuration((values.duration as string | undefined) ?? "14h");
    const startMs = values.start
      ? Date.parse(values.start as string)
      : out
        ? Date.parse("2026-01-01T00:00:00Z")
        : Date.now() - durationH * 3_600_000;
    if (!Number.isFinite(startMs)) throw new Error("--start must be an ISO 8601 time");
    options = { scenario, seed, durationH, startMs, stepS: 30 };
  } catch (error) {
    process.stderr.write(`ioc-hub: ${(error as Error).message}\n`);
    return 2;
  }
  let result: Simulation;
  try {
    result = simulate(options);
  } catch (error) {
    process.stderr.write(`ioc-hub: ${(error as Error).message}\n`);
    return 2;
  }
  const { run, messages } = result;
  const out = values.out as string | undefined;
  if (out) {
    writeFileSync(
      out,
      messages
        .map((m) => `${JSON.stringify({ time: new Date(m.timeMs).toISOString(), device: m.device, topic: m.topic, payload: m.payload })}\n`)
        .join(""),
    );
    writeFileSync(
      `${out}.answer.json`,
      `${JSON.stringify({ scenario, seed, start: new Date(options.startMs).toISOString(), durationH: options.durationH, alerts: result.answerKey, devices: scenarioDevices(result) }, null, 2)}\n`,
    );
    writeFileSync(`${out}.vessels.json`, `${JSON.stringify(registerOf(run), null, 2)}\n`);
    process.stderr.write(`wrote ${messages.length} messages to ${out} (+ .answer.json, .vessels.json)\n`);
  }
  if (values.mqtt) {
    if (!values.devices) {
      process.stderr.write("ioc-hub: --mqtt needs --devices <file> with each device's password\n");
      return 2;
    }
    const passwords = JSON.parse(readFileSync(values.devices as string, "utf8")) as Record<string, string>;
    await publishMessages(values.mqtt as string, passwords, messages, Number(values.speed ?? 60), (line) =>
      process.stderr.write(`${line}\n`),
    );
    process.stderr.write(`published ${messages.length} messages to ${values.mqtt}\n`);
  }
  if (values.serial) {
    const { lines, kind } = await writeSerial(values.serial as string, messages, Number(values.speed ?? 60));
    process.stderr.write(`wrote ${lines} ${kind} lines to ${values.serial}\n`);
  }
  if (!out && !values.mqtt && !values.serial) {
    process.stderr.write("ioc-hub: simulate needs --out <file>, --mqtt <url> or --serial <device>\n");
    return 2;
  }
  return 0;
}
