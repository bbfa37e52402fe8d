// Runs the real `ioc-hub` (dist/hub/cli.js) as a child process on free loopback ports.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/package-root.js";
import type { Ports } from "../../hub/main.js";

export const cliPath = join(packageRoot, "dist", "hub", "cli.js");

export interface HubProcess {
  ports: Ports;
  dataDir: string;
  child: ChildProcess;
  /** Everything the hub printed so far (JSON log lines). */
  output(): string;
  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, no shutdown work at all. */
  kill(): Promise<void>;
  httpUrl: string;
  mqttUrl: string;
}

/** Longest a hub may take to shut down on SIGTERM before a test fails (aedes drains for at most 60 s). */
const STOP_TIMEOUT_MS = 50_000;

/**
 * The hub's output once it matches `pattern`, or as it is after `timeoutMs`: its log reaches the test
 * on a pipe, which may be read after a client has had the hub's answer.
 */
export async function outputMatching(hub: Pick<HubProcess, "output">, pattern: RegExp, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(hub.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return hub.output();
}

/** Fails unless the hub's output matches `pattern` within `timeoutMs` (see outputMatching). */
export async function expectLogged(hub: Pick<HubProcess, "output">, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const output = await outputMatching(hub, pattern, timeoutMs);
  if (!pattern.test(output)) throw new Error(`the hub did not log ${pattern} within ${timeoutMs} ms:\n${lastLines(output, 20)}`);
}

/** The last `n` lines of a process's output, for a failure message. */
export function lastLines(text: string, n: number): string {
  return text.split("\n").slice(-n).join("\n");
}

/**
 * `executable`: run dist/hub/cli.js itself, so its shebang's runtime settings apply, as for a user
 * (by default `node cli.js`, without them). `processGroup`: in a process group of its own, as a
 * terminal runs a command (a signal to the group is a Ctrl-C).
 */
export async function startHub(
  dataDir: string,
  env: Record<string, string> = {},
  options: { executable?: boolean; processGroup?: boolean } = {},
): Promise<HubProcess> {
  const portsFile = join(dataDir, "ports.json");
  rmSync(portsFile, { force: true });
  const [command, args] = options.executable ? [cliPath, ["start"]] : [process.execPath, [cliPath, "start"]];
  const child = spawn(command, args, {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH ?? "",
      IOC_DATA_DIR: dataDir,
      IOC_MQTT_PORT: "0",
      IOC_HTTP_PORT: "0",
      IOC_BIND: "127.0.0.1",
      IOC_LOG_LEVEL: process.env.IOC_TEST_LOG_LEVEL ?? "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.processGroup === true,
  });
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  child.once("exit", () => process.off("exit", reap));
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!existsSync(portsFile) || !output.includes("ioc-hub started")) {
    if (child.exitCode !== null) throw new Error(`hub exited during start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`hub did not start within 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const ports = JSON.parse(readFileSync(portsFile, "utf8")) as Ports;
  return {
    ports,
    dataDir,
    child,
    output: () => output,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      // A hub that does not finish its shutdown is a failure to report with its log, not a hook
      // that times out without a word: killed, and the test fails here.
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<"hung">((resolve) => {
        timer = setTimeout(() => resolve("hung"), STOP_TIMEOUT_MS);
      });
      const outcome = await Promise.race([exited, hung]);
      clearTimeout(timer);
      if (outcome !== "hung") return outcome;
      child.kill("SIGKILL");
      await exited;
      throw new Error(`hub did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; its log ends:\n${lastLines(output, 60)}`);
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Runs `ioc-hub <args>` to completion. */
export function runCli(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: packageRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
