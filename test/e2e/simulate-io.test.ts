// The simulator's other outputs: NMEA to a serial port (a pty pair from socat, as a USB AIS receiver
// would appear) and the mixed load generator against a hub on loopback.
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AisStreamDecoder } from "../../ingest/decoders/ais/ais-stream.js";
import { publishMessages, scenarioDevices, simulate } from "../../simulators/simulate-command.js";
import { addDevices } from "../support/devices.js";
import { startTestInfluxd } from "../support/influxd.js";
import { type HubProcess, cliPath, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

function runCliAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("simulator outputs", () => {
  const dir = tempDir("sim-io");
  const children: ChildProcess[] = [];
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    for (const h of hubs) await h.stop();
    dir.remove();
  });

  it("writes the fleet's AIS as NMEA lines to a serial port", async () => {
    const [writer, reader] = [join(dir.path, "ttyA"), join(dir.path, "ttyB")];
    const socat = spawn("socat", [`pty,raw,echo=0,link=${writer}`, `pty,raw,echo=0,link=${reader}`]);
    children.push(socat);
    for (let i = 0; i < 100 && !(existsSync(writer) && existsSync(reader)); i++) await new Promise((r) => setTimeout(r, 50));
    const decoder = new AisStreamDecoder();
    const mmsis = new Set<number>();
    let buffer = "";
    let line = 0;
    const port = createReadStream(reader, { encoding: "latin1" });
    // A pty reports EIO once its other end is gone: that is the end of the stream here.
    port.on("error", () => {});
    port.on("data", (chunk: string | Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\r\n");
      buffer = lines.pop() ?? "";
      for (const text of lines) for (const m of decoder.push(text, ++line, 0).messages) mmsis.add(m.message.mmsi as number);
    });
    const run = await runCliAsync(
      ["simulate", "--scenario", "hue-coast", "--seed", "4", "--duration", "1h", "--serial", writer, "--speed", "0"],
      {
        IOC_DATA_DIR: dir.path,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const written = Number(/wrote (\d+) NMEA lines/.exec(run.stderr)?.[1]);
    expect(written).toBeGreaterThan(1000);
    await new Promise((r) => setTimeout(r, 500));
    port.destroy();
    expect(line).toBe(written);
    // 14 vessels, less the one that goes dark for the scenario's last 7 hours (all of this one).
    expect(mmsis.size).toBe(13);
    for (const mmsi of mmsis) expect(Math.floor(mmsi / 1_000_000)).toBe(574);
  }, 60_000);

  it("generates a mixed load on loopback, bounded in count, every message acknowledged", async () => {
    const hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    hubs.push(hub);
    const run = await runCliAsync(
      ["simulate", "load", "--devices", "8", "--rate", "400", "--mix", "air,water,ais,vms", "--duration", "2s", "--mqtt", hub.mqttUrl],
      {
        IOC_DATA_DIR: dir.path,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { published: number; acked: number; byKind: Record<string, number> };
    expect(result.published).toBe(800);
    expect(result.acked).toBe(800);
    expect(Object.keys(result.byKind).sort()).toEqual(["air", "ais", "vms", "water"]);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    const accepted = [...metrics.matchAll(/^ioc_messages_accepted_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(accepted).toBeGreaterThanOrEqual(800);
    const refused = await runCliAsync(
      ["simulate", "load", "--devices", "1", "--rate", "1", "--duration", "1s", "--mqtt", "mqtt://192.0.2.1:1883"],
      { IOC_DATA_DIR: dir.path },
    );
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/only targets loopback/);
  }, 60_000);

  it("keeps publishing through a hub killed and restarted mid-run: it reconnects and nothing is lost", async () => {
    const influx = await startTestInfluxd();
    const hubDir = tempDir("sim-reconnect");
    try {
      const simulation = simulate({ scenario: "hue-air", seed: 9, durationH: 6, startMs: Date.now() - 6 * 3_600_000, stepS: 30 });
      const creds = await addDevices(hubDir.path, scenarioDevices(simulation));
      const env = { IOC_INFLUX_URL: influx.url, IOC_INFLUX_FLUSH_INTERVAL_MS: "10" };
      const first = await startHub(hubDir.path, env);
      hubs.push(first);
      const ports = { IOC_MQTT_PORT: String(first.ports.mqtt), IOC_HTTP_PORT: String(first.ports.http) };
      // 6 hours of readings in about 6 s; the hub dies 2 s in and is back a second later.
      const replay = publishMessages(
        first.mqttUrl,
        Object.fromEntries([...creds].map(([id, c]) => [id, c.password])),
        simulation.messages,
        3600,
        () => {},
      );
      await new Promise((r) => setTimeout(r, 2_000));
      await first.kill();
      await new Promise((r) => setTimeout(r, 1_000));
      hubs.push(await startHub(hubDir.path, { ...env, ...ports }));
      await replay;
      const readings = simulation.messages.length;
      let stored = 0;
      for (let i = 0; i < 200 && stored < readings; i++) {
        await new Promise((r) => setTimeout(r, 100));
        stored = Number((await influx.rows('SELECT count("temperature") FROM "env_reading"'))[0]?.count ?? 0);
      }
      // Every reading exactly once: acknowledged ones survived the kill in the spool, the others were
      // re-sent on reconnect (a re-sent duplicate is the same point: same series, same time).
      expect(stored).toBe(readings);
    } finally {
      await influx.destroy();
      hubDir.remove();
    }
  }, 90_000);
});
