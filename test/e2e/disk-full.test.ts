// The data directory on a small tmpfs (mounted by the test; the suite runs as root): filled up, the
// hub refuses QoS 1 publishes with `storage_unavailable` instead of acknowledging what it cannot
// store, stays up, says so on /readyz, and takes data again once space returns. Every reading it
// did acknowledge reaches InfluxDB. (A read-only remount cannot be forced on a tmpfs with files open
// for writing; EROFS takes the same path as ENOSPC in ingest/pipeline.ts.)
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { tempDir } from "../support/temp-dir.js";

const BASE = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

describe("disk full", () => {
  const dir = tempDir("disk-full");
  const data = join(dir.path, "data");
  const filler = join(data, "filler.bin");
  let influx: TestInfluxd;
  let hub: HubProcess;
  let device: Credentials;
  let sequence = 0;
  const acked: number[] = [];

  /** Publishes one reading; true if PUBACKed within 3 s (a refusal closes the connection instead). */
  const publishOne = async (): Promise<boolean> => {
    const i = sequence++;
    const client = await mqtt.connectAsync(hub.mqttUrl, { ...device, clientId: `air-disk-${i}`, reconnectPeriod: 0 });
    try {
      const ack = client.publishAsync("ioc/v1/sensors/air-disk/data", JSON.stringify({ time: BASE + i * 1000, values: { pm25: i } }), {
        qos: 1,
      });
      const ok = await Promise.race([ack.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
      if (ok) acked.push(i);
      return ok;
    } catch {
      return false;
    } finally {
      client.end(true);
    }
  };
  const readyz = async () => (await (await fetch(`${hub.httpUrl}/readyz`)).json()) as { ready: boolean; storage: string };

  beforeAll(async () => {
    mkdirSync(data, { recursive: true });
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", data]);
    influx = await startTestInfluxd();
    device = (await addDevices(data, [{ id: "air-disk", kind: "air" }])).get("air-disk") as Credentials;
    hub = await startHub(data, { IOC_INFLUX_URL: influx.url, IOC_INFLUX_FLUSH_INTERVAL_MS: "20", IOC_SPOOL_SEGMENT_BYTES: "65536" });
  }, 60_000);

  afterAll(async () => {
    await hub?.kill();
    await influx?.destroy();
    try {
      execFileSync("umount", [data]);
    } catch {
      // not mounted
    }
    dir.remove();
  });

  it("refuses with storage_unavailable when the disk is full, and takes data again when space returns", async () => {
    expect(await publishOne()).toBe(true);
    await influx.stop(); // nothing drains: the spool must hold what comes
    // Fill the file system but for a few kilobytes.
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k", "count=1000"], { stdio: "ignore" });
    } catch {
      // dd stops at ENOSPC, as intended
    }
    let refused = false;
    for (let i = 0; i < 200 && !refused; i++) refused = !(await publishOne());
    expect(hub.child.exitCode, "the hub is still running").toBeNull();
    expect(refused).toBe(true);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_messages_rejected_total\{reason="storage_unavailable"\} [1-9]/);
    expect(await readyz()).toMatchObject({ ready: false, storage: "ENOSPC" });

    rmSync(filler);
    await influx.start();
    expect(await publishOne()).toBe(true);
    expect(await readyz()).toMatchObject({ storage: "ok" });
  }, 90_000);

  it("has stored every reading it acknowledged, before and after the disk was full", async () => {
    // Everything acknowledged, before and after the trouble, is in InfluxDB.
    const deadline = Date.now() + 30_000;
    let stored = 0;
    while (Date.now() < deadline) {
      stored = Number((await influx.rows(`SELECT count("pm25") FROM "env_reading" WHERE "station" = 'air-disk'`))[0]?.count ?? 0);
      if (stored >= acked.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const times = new Set(
      (await influx.rows(`SELECT "pm25" FROM "env_reading" WHERE "station" = 'air-disk'`)).map((r) => r.time as number),
    );
    expect(acked.filter((i) => !times.has(BASE + i * 1000))).toEqual([]);
  }, 90_000);
});
