// A throwaway redis-server (Debian's) on a free loopback port, no persistence, for the shared-aedes tests.
import { type ChildProcess, spawn } from "node:child_process";
import { waitForPort } from "../../bench/support/processes.js";
import { onFreePort } from "./on-free-port.js";

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown at all (its state is gone; it runs without persistence). */
  kill(): Promise<void>;
}

/** A redis-server on a free port, or on `port` (to bring one back where it was). */
export function startRedisServer(port?: number): Promise<TestRedis> {
  return port === undefined ? onFreePort(startOn) : startOn(port);
}

async function startOn(port: number): Promise<TestRedis> {
  const child: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning"],
    { stdio: "ignore" },
  );
  await waitForPort(port, child, "redis-server").catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") };
}
