// `npm run demo`'s publisher: it starts the hub with a managed influxd and everything it publishes is stored.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import { InfluxClient } from "../../ingest/sink/influx-client.js";
import { ManagedInfluxd } from "../../ingest/sink/managed-influxd.js";
import { demoStations } from "../../simulators/demo-stations.js";
import { openDatabase } from "../../store/database.js";
import { tempDir } from "../support/temp-dir.js";

describe("demo", () => {
  it("runs the hub with its managed influxd, replays the hue-all history, and stores every reading", async () => {
    const dir = tempDir("demo");
    try {
      // Timer rounds every half second, and the station the history left offline back after 3 s.
      const args = ["--interval", "1", "--duration", "6", "--offline-for", "3"];
      const run = spawnSync(process.execPath, [join(packageRoot, "dist/simulators/demo.js"), ...args], {
        env: {
          PATH: process.env.PATH ?? "",
          IOC_DATA_DIR: dir.path,
          IOC_MQTT_PORT: "0",
          IOC_HTTP_PORT: "0",
          IOC_LOG_LEVEL: "warn",
          IOC_RULES_TICK_INTERVAL_MS: "500",
        },
        encoding: "utf8",
        timeout: 150_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const live = Number(/demo stopped after (\d+) readings/.exec(run.stdout)?.[1]);
      expect(live).toBeGreaterThanOrEqual(demoStations.length * 3);
      const history = Number(/replayed \d+ messages \((\d+) readings\)/.exec(run.stdout)?.[1]);
      expect(history).toBeGreaterThan(1000);
      expect(run.stdout).toMatch(/alerts: {3}curl -H 'Authorization: Bearer ioc_/);
      expect(run.stdout).toContain("offline:  aq-donre-hue went offline in the history; live again in 3 s");
      // The hub's timer found it offline, and its return cleared the alert.
      const db = openDatabase(dir.path);
      const offline = db.prepare("SELECT state FROM alerts WHERE rule = 'station-offline' AND subject = 'aq-donre-hue'").all();
      db.close();
      expect(offline).toEqual([{ state: "cleared" }]);
      const published = live + history;
      // The demo stopped its influxd; start it again on the same data to look.
      const influxd = new ManagedInfluxd({ dataDir: join(dir.path, "influxdb") });
      await influxd.start();
      try {
        const client = new InfluxClient({ url: influxd.url, db: "ioc" });
        const [series = []] = await client.query('SELECT count("temperature") FROM "env_reading" GROUP BY "kind"');
        const [vessels = []] = await client.query('SELECT count("lat") FROM "vessel_position"');
        expect(Number(vessels[0]?.values[0]?.[1] ?? 0)).toBeGreaterThan(10_000);
        const total = series.reduce((sum, s) => sum + Number(s.values[0]?.[1] ?? 0), 0);
        expect(total).toBe(published);
        expect(series.map((s) => s.tags?.kind).sort()).toEqual(["air", "water"]);
      } finally {
        await influxd.stop();
      }
    } finally {
      dir.remove();
    }
  });
});
