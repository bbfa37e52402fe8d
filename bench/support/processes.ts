// Starting the brokers under test and the load generator as separate processes, so that the load
// generator never shares an event loop with the broker it measures.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeviceRegistry } from "../../broker/device-registry.js";
import { readLaunchSettings } from "../../hub/launch-line.js";
import { packageRoot } from "../../hub/package-root.js";
import { freePort } from "../../ingest/sink/managed-influxd.js";
import { openDatabase } from "../../store/database.js";
import type { LoadResult } from "../../simulators/load-generator.js";

export interface BrokerUnderTest {
  name: string;
  port: number;
  pid: number;
  /** HTTP port, for the hub. */
  httpPort?: number;
  stop(): Promise<void>;
}

const dist = (path: string) => join(packageRoot, "dist", path);

function waitExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await waitExit(child);
  clearTimeout(timer);
}

/** The first line of the child's stdout that starts with `prefix`. */
function firstLine(child: ChildProcess, what: string, prefix = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith(prefix)) return resolve(line);
      }
    });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${err}`)));
  });
}

export function startBareAedes(): Promise<BrokerUnderTest> {
  return startAedesPeer("bare aedes", "bench/peers/bare-aedes.js");
}

/** aedes with default options but a deque on its bus, as the hub has (bench/peers/aedes-with-deque.ts). */
export function startAedesWithDeque(): Promise<BrokerUnderTest> {
  return startAedesPeer("aedes with deque", "bench/peers/aedes-with-deque.js");
}

async function startAedesPeer(name: string, script: string): Promise<BrokerUnderTest> {
  const child = spawn(process.execPath, [dist(script)], { stdio: ["ignore", "pipe", "pipe"] });
  const { port } = JSON.parse(await firstLine(child, name)) as { port: number };
  return { name, port, pid: child.pid as number, stop: () => stopChild(child) };
}

/**
 * Debian's mosquitto. Its default max_queued_messages (1000) silently drops QoS 1 messages queued
 * for a slow subscriber under fan-in load; 0 makes the queue unlimited, so it delivers every message
 * like the others. max_inflight_messages 0 likewise lifts the per-client in-flight window.
 */
export async function startMosquitto(dir: string): Promise<BrokerUnderTest> {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      "max_queued_messages 0",
      "max_queued_bytes 0",
      "max_inflight_messages 0",
      "log_type error",
      "",
    ].join("\n"),
  );
  const binary = existsSync("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
  const child = spawn(binary, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  await waitForPort(port, child, "mosquitto");
  return { name: "mosquitto", port, pid: child.pid as number, stop: () => stopChild(child) };
}

export async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const { connect } = await import("node:net");
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}`);
}

export interface BenchCredentials {
  publishers: { username: string; password: string }[];
  subscriber: { username: string; password: string };
}

/** A device registry with `count` air stations and one integration account, to copy into each hub's data dir. */
export async function prepareRegistry(dir: string, count: number): Promise<BenchCredentials> {
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(dir);
  const registry = new DeviceRegistry(db);
  const ids = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
  const publishers = await Promise.all(
    ids.map(async (id) => ({ username: id, password: (await registry.add(id, { kind: "air" })).password })),
  );
  const subscriber = { username: "bench-sub", password: (await registry.add("bench-sub", { role: "integration" })).password };
  db.close();
  return { publishers, subscriber };
}

export async function startHub(registryDir: string, dataDir: string, env: Record<string, string>): Promise<BrokerUnderTest> {
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(join(registryDir, "hub.sqlite"), join(dataDir, "hub.sqlite"));
  // The binary's own runtime settings (hub/launch-line.ts), so the benchmark runs the hub as users do.
  const launch = readLaunchSettings(dist("hub/cli.js"));
  const child = spawn(process.execPath, [...launch.nodeFlags, dist("hub/cli.js"), "start"], {
    env: {
      ...launch.env,
      PATH: process.env.PATH ?? "",
      IOC_DATA_DIR: dataDir,
      IOC_MQTT_PORT: "0",
      IOC_HTTP_PORT: "0",
      IOC_LOG_LEVEL: "warn",
      IOC_MQTT_PUBLISH_RATE_PER_SECOND: "1000000",
      IOC_MQTT_PUBLISH_BURST: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const line = await firstLine(child, "ioc-hub", "ioc-hub ports: ");
  const ports = JSON.parse(line.replace(/^ioc-hub ports: /, "")) as { mqtt: number; http: number };
  return { name: "ioc-hub", port: ports.mqtt, httpPort: ports.http, pid: child.pid as number, stop: () => stopChild(child) };
}

export interface LoadOptions {
  port: number;
  publishers: number;
  messages: number;
  qos: 0 | 1;
  credentials?: { username: string; password: string }[];
  subscribe?: { filter: string; username?: string; password?: string };
  payload?: string;
  baseTime?: number;
  rate?: number;
  timeoutS?: number;
  /** QoS 1 messages in flight per publisher (default 32). */
  window?: number;
  /** Publish to `${topicPrefix}${deviceId}${topicSuffix}` (default: the sensor data topic). */
  topicPrefix?: string;
  topicSuffix?: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  // --name=value throughout: generated passwords may start with "-".
  const flags: Record<string, string | number | undefined> = {
    port: options.port,
    publishers: options.publishers,
    messages: options.messages,
    qos: options.qos,
    "timeout-s": options.timeoutS ?? 120,
    credentials: options.credentials ? JSON.stringify(options.credentials) : undefined,
    subscribe: options.subscribe?.filter,
    "sub-username": options.subscribe?.username,
    "sub-password": options.subscribe?.password,
    payload: options.payload,
    "base-time": options.baseTime,
    rate: options.rate,
    window: options.window,
    "topic-prefix": options.topicPrefix,
    "topic-suffix": options.topicSuffix,
  };
  const args = [
    dist("simulators/load-generator.js"),
    ...Object.entries(flags)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `--${k}=${v}`),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const line = await firstLine(child, "load generator");
  await waitExit(child);
  return JSON.parse(line) as LoadResult;
}

/** Resident set size of a process, bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}
