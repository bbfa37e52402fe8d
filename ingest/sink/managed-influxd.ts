// Runs and supervises a private influxd (InfluxDB 1.x, Debian's `influxdb` package): generated
// config, data under one directory, HTTP and RPC on free loopback ports, usage reporting off.
// The hub uses it when no influx.url is configured; the tests use it as their throwaway server.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { Logger } from "../../hub/logger.js";

export interface ManagedInfluxdOptions {
  dataDir: string;
  binary?: string;
  /** HTTP port; 0 or absent picks a free one (kept across restarts of the same instance). */
  httpPort?: number;
  log?: Logger | undefined;
  /** Restart influxd when it exits unexpectedly. */
  supervise?: boolean;
  /** [http] max-body-size; InfluxDB's default is 25,000,000 bytes. */
  maxBodyBytes?: number;
  /** Where free ports come from (default freePort: a loopback port the system had free a moment ago). */
  pickPort?: () => Promise<number>;
}

export class InfluxdNotInstalledError extends Error {
  override name = "InfluxdNotInstalledError";
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Whether the influxd binary can be run (`influxd version`). */
export function influxdAvailable(binary = "influxd"): boolean {
  const result = spawnSync(binary, ["version"], { stdio: "ignore", timeout: 10_000 });
  return !result.error && result.status === 0;
}

/** Start-ups tried when influxd finds a port taken after it was picked as free. */
const PORT_ATTEMPTS = 3;

export class ManagedInfluxd {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  httpPort = 0;
  private rpcPort = 0;
  readonly dataDir: string;

  constructor(private readonly options: ManagedInfluxdOptions) {
    this.dataDir = resolve(options.dataDir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private get configPath(): string {
    return join(this.dataDir, "influxd.conf");
  }

  private writeConfig(): string {
    const dir = this.dataDir;
    mkdirSync(dir, { recursive: true });
    const path = this.configPath;
    writeFileSync(
      path,
      [
        "reporting-enabled = false",
        `bind-address = "127.0.0.1:${this.rpcPort}"`,
        "[meta]",
        `  dir = "${join(dir, "meta")}"`,
        "[data]",
        `  dir = "${join(dir, "data")}"`,
        `  wal-dir = "${join(dir, "wal")}"`,
        "  query-log-enabled = false",
        "[monitor]",
        "  store-enabled = false",
        "[http]",
        "  enabled = true",
        `  bind-address = "127.0.0.1:${this.httpPort}"`,
        "  log-enabled = false",
        ...(this.options.maxBodyBytes ? [`  max-body-size = ${this.options.maxBodyBytes}`] : []),
        "[logging]",
        '  level = "warn"',
        "  suppress-logo = true",
        "",
      ].join("\n"),
    );
    return path;
  }

  /**
   * An influxd left running on this data dir by a hub that was killed (SIGKILL leaves no chance to
   * stop it) would hold the database files; stop it before starting a new one.
   */
  private async reapOrphan(): Promise<void> {
    const pidFile = join(this.dataDir, "influxd.pid");
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, "utf8").trim());
    } catch {
      return;
    }
    const alive = () => {
      try {
        process.kill(pid, 0);
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(this.configPath);
      } catch {
        return false;
      }
    };
    if (!Number.isInteger(pid) || pid <= 0 || !alive()) return;
    this.options.log?.warn({ pid }, "stopping an influxd left running on this data dir by a previous hub");
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive()) process.kill(pid, "SIGKILL");
  }

  async start(): Promise<void> {
    const binary = this.options.binary ?? "influxd";
    if (!influxdAvailable(binary)) {
      throw new InfluxdNotInstalledError(`no runnable "${binary}" (install Debian's influxdb package, or set IOC_INFLUX_URL)`);
    }
    this.stopping = false;
    await this.reapOrphan();
    // A free port can be taken by someone else between our probe and influxd's bind: pick again,
    // except an HTTP port already in use by clients (a restart keeps its URL) or given in the options.
    const httpPortIsOurs = !this.httpPort && !this.options.httpPort;
    for (let attempt = 1; ; attempt++) {
      const pick = this.options.pickPort ?? freePort;
      if (!this.httpPort) this.httpPort = this.options.httpPort || (await pick());
      if (!this.rpcPort) this.rpcPort = await pick();
      try {
        await this.spawnAndWait(binary);
        return;
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !/address already in use/.test((error as Error).message)) throw error;
        this.options.log?.warn({ attempt, error: (error as Error).message }, "influxd's port was taken meanwhile; picking others");
        this.rpcPort = 0;
        if (httpPortIsOurs) this.httpPort = 0;
      }
    }
  }

  private async spawnAndWait(binary: string): Promise<void> {
    const config = this.writeConfig();
    // A process group of its own: a Ctrl-C in the hub's terminal goes to the hub, which stops influxd
    // once its own work is done, not to influxd as well (it exited under the hub, logged as a failure).
    const child = spawn(binary, ["-config", config], { stdio: ["ignore", "ignore", "pipe"], detached: true });
    this.child = child;
    writeFileSync(join(this.dataDir, "influxd.pid"), `${child.pid}\n`);
    // Never outlive the process that started it, however that process ends.
    const reap = () => child.kill("SIGKILL");
    process.once("exit", reap);
    child.once("exit", () => process.off("exit", reap));
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let ready = false;
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      this.options.log?.error({ code, signal, stderr: stderr.slice(-1000) }, "managed influxd exited");
      // A failed start is the caller's to handle (start() throws); one that ran is restarted here.
      if (ready && this.options.supervise) this.scheduleRestart();
    });
    await this.waitReady(child, () => stderr);
    ready = true;
    this.restarts = 0;
  }

  private scheduleRestart(): void {
    const delay = Math.min(30_000, 500 * 2 ** Math.min(this.restarts++, 6));
    setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error) => {
        this.options.log?.error({ err: error }, "managed influxd failed to restart");
        if (!this.stopping) this.scheduleRestart();
      });
    }, delay).unref();
  }

  private async waitReady(child: ChildProcess, stderr: () => string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`influxd exited during start-up: ${stderr().slice(-500)}`);
      }
      try {
        const response = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 204 && (await this.answersForThisConfig())) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`influxd did not answer /ping within ${timeoutMs} ms`);
  }

  /**
   * Whether the influxd answering on our port is ours, not another that took the port first (ours
   * then fails to bind and exits): its /debug/vars names the config file it runs. An influxd
   * without /debug/vars is taken as ours.
   */
  private async answersForThisConfig(): Promise<boolean> {
    const response = await fetch(`${this.url}/debug/vars`, { signal: AbortSignal.timeout(1000) });
    if (response.status !== 200) {
      await response.arrayBuffer();
      return true;
    }
    const vars = (await response.json()) as { cmdline?: unknown };
    return !Array.isArray(vars.cmdline) || vars.cmdline.includes(this.configPath);
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolveStop) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      child.once("exit", () => {
        clearTimeout(timer);
        resolveStop();
      });
      child.kill("SIGTERM");
    });
  }
}
