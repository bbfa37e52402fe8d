// The simulator's other outputs: NMEA to a serial port (a pty pair from socat, as a USB AIS receiver
// would appear) and the mixed load generator against a hub on loopback.
import { type ChildProcess, spawn } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AisStreamDecoder } from "../../ingest/decoders/ais/ais-stream.js";
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
  let hub: HubProcess | undefined;
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await hub?.stop();
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
    hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
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
});
