import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.js";
import { processAlive } from "../../test/support/process-alive.js";
import { InfluxClient } from "./influx-client.js";
import { InfluxdNotInstalledError, ManagedInfluxd, freePort } from "./managed-influxd.js";

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
      expect(processAlive(pid)).toBe(false);
      dir.remove();
    }
  });

  it.each([
    ["by a process that is not HTTP", () => createServer()],
    [
      "by another influxd (it answers /ping, for another config)",
      () =>
        createHttpServer((request, response) => {
          if (request.url?.startsWith("/ping")) return response.writeHead(204).end();
          response
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ cmdline: ["influxd", "-config", "/elsewhere/influxd.conf"] }));
        }),
    ],
  ] as const)("picks other ports when one it picked is taken before influxd binds it, %s", async (_, occupant) => {
    const dir = tempDir("managed-taken");
    // Someone else listens on the port the first pick returns, as happens between a probe and a bind.
    const taken = occupant();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const takenPort = (taken.address() as AddressInfo).port;
    const picks: number[] = [];
    const influxd = new ManagedInfluxd({
      dataDir: dir.path,
      pickPort: async () => {
        const port = picks.length === 0 ? takenPort : await freePort();
        picks.push(port);
        return port;
      },
    });
    try {
      await influxd.start();
      expect(picks[0]).toBe(takenPort);
      expect(picks.length).toBe(4); // HTTP and RPC, twice
      expect(influxd.httpPort).not.toBe(takenPort);
      const vars = (await (await fetch(`${influxd.url}/debug/vars`)).json()) as { cmdline: string[] };
      expect(vars.cmdline.some((arg) => arg.startsWith(dir.path))).toBe(true);
    } finally {
      await influxd.stop();
      taken.close();
      dir.remove();
    }
  });

  it("restarts a supervised influxd that dies, on the same URL", async () => {
    const dir = tempDir("managed-supervised");
    const influxd = new ManagedInfluxd({ dataDir: dir.path, supervise: true });
    await influxd.start();
    try {
      const url = influxd.url;
      const first = influxd.pid;
      process.kill(first as number, "SIGKILL");
      const deadline = Date.now() + 20_000;
      let back = false;
      while (!back && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        back =
          influxd.pid !== undefined &&
          influxd.pid !== first &&
          (await new InfluxClient({ url, db: "ioc" }).ping().then(
            () => true,
            () => false,
          ));
      }
      expect(back).toBe(true);
      expect(influxd.url).toBe(url);
    } finally {
      await influxd.stop();
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
      expect(processAlive(orphanPid)).toBe(false);
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
