import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.js";
import { InfluxClient } from "./influx-client.js";
import { InfluxdNotInstalledError, ManagedInfluxd } from "./managed-influxd.js";

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ManagedInfluxd", () => {
  it("starts influxd on free loopback ports with its data under one directory, and stops it", async () => {
    const dir = tempDir("managed");
    const influxd = new ManagedInfluxd({ dataDir: dir.path });
    await influxd.start();
    try {
      expect(influxd.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const server = await new InfluxClient({ url: influxd.url, db: "ioc" }).ping();
      expect(server.major).toBe(1);
    } finally {
      const pid = influxd.pid;
      await influxd.stop();
      expect(alive(pid)).toBe(false);
      dir.remove();
    }
  });

  it("stops an influxd a killed hub left running on the same data dir before starting its own", async () => {
    const dir = tempDir("managed-orphan");
    const orphan = new ManagedInfluxd({ dataDir: dir.path });
    await orphan.start();
    const orphanPid = orphan.pid;
    const next = new ManagedInfluxd({ dataDir: dir.path });
    try {
      await next.start();
      expect(alive(orphanPid)).toBe(false);
      expect(next.pid).not.toBe(orphanPid);
      expect((await new InfluxClient({ url: next.url, db: "ioc" }).ping()).major).toBe(1);
    } finally {
      await next.stop();
      await orphan.stop();
      dir.remove();
    }
  });

  it("says clearly when there is no influxd to run", async () => {
    const dir = tempDir("managed-missing");
    await expect(new ManagedInfluxd({ dataDir: dir.path, binary: "/nonexistent/influxd" }).start()).rejects.toThrow(
      InfluxdNotInstalledError,
    );
    dir.remove();
  });
});
