// A throwaway HAProxy (Debian's) on a free loopback port in front of one backend: in TCP mode sending
// the PROXY protocol (the load balancer of docker-compose.scale.yml), or in HTTP mode adding
// X-Forwarded-For (a reverse proxy in front of the REST API, the console and MQTT over WebSocket),
// for the tests of what the hub makes of the addresses behind it.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForPort } from "../../bench/support/processes.js";
import { onFreePort } from "./on-free-port.js";

export interface TestHaproxy {
  port: number;
  stop(): Promise<void>;
}

export type HaproxyMode = { tcp: "send-proxy" | "send-proxy-v2" } | { http: "forwardfor" };

export function startHaproxy(dir: string, backendPort: number, mode: HaproxyMode): Promise<TestHaproxy> {
  return onFreePort((port) => startOn(port, dir, backendPort, mode));
}

async function startOn(port: number, dir: string, backendPort: number, mode: HaproxyMode): Promise<TestHaproxy> {
  const config = join(dir, `haproxy-${port}.cfg`);
  writeFileSync(
    config,
    [
      "global",
      "  maxconn 256",
      "defaults",
      ...("tcp" in mode ? ["  mode tcp"] : ["  mode http", "  option forwardfor", "  timeout tunnel 1m"]),
      "  timeout connect 2s",
      "  timeout client 1m",
      "  timeout server 1m",
      "frontend front",
      `  bind 127.0.0.1:${port}`,
      "  default_backend hubs",
      "backend hubs",
      // TCP: health checks carry the header too (HAProxy sends a LOCAL one), as in deploy/haproxy/haproxy.cfg.
      "tcp" in mode ? `  server hub 127.0.0.1:${backendPort} ${mode.tcp} check inter 1s` : `  server hub 127.0.0.1:${backendPort}`,
      "",
    ].join("\n"),
  );
  const binary = process.env.HAPROXY ?? "/usr/sbin/haproxy";
  const child: ChildProcess = spawn(binary, ["-f", config, "-db"], { stdio: "ignore" });
  await waitForPort(port, child, "haproxy").catch((error) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
