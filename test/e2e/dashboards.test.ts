// Every panel query of every provisioned dashboard, with $timeFilter, $__interval and the template
// variables substituted as Grafana substitutes them, run against a real influxd that the hub filled
// with 26 hours of the hue-all scenario (the fleet over AIS, VMS and NAF; the stations, so hourly and
// daily indices exist; the scenario's alerts, one acknowledged) and the hub's own metrics. Every query must
// run; the key panels must return the fields their panel type needs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Polls until `check` returns true (expect.poll is not available in beforeAll). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
import { boards } from "../../dashboards/build-dashboards.js";
import type { Panel } from "../../dashboards/dashboard-model.js";
import type { QuerySeries } from "../../ingest/sink/influx-client.js";
import { type Simulation, publishMessages, registerOf, scenarioDevices, simulate } from "../../simulators/simulate-command.js";
import { addDevices } from "../support/devices.js";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { tempDir } from "../support/temp-dir.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Grafana's regex form of a multi-value variable: (a|b|c), each value escaped. */
const regexOf = (values: string[]) => `(${values.map((v) => v.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})`;

describe("dashboard queries against a filled InfluxDB", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let simulation: Simulation;
  const dir = tempDir("hub-dashboards");
  const now = Date.now();
  const results = new Map<string, QuerySeries[]>();
  let api: (path: string, init?: RequestInit) => Promise<Response>;

  beforeAll(async () => {
    influx = await startTestInfluxd();
    // 26 hours of the hue-all scenario (the fleet, and the stations every 5 minutes), so that a local
    // midnight — and a daily AQI — falls inside; it ends now.
    simulation = simulate({ scenario: "hue-all", seed: 2, durationH: 26, startMs: now - 26 * HOUR, stepS: 30 });
    const creds = await addDevices(dir.path, scenarioDevices(simulation));
    const register = join(dir.path, "vessels.json");
    writeFileSync(register, JSON.stringify(registerOf(simulation.run)));
    expect(runCli(["vessels", "import", register], { IOC_DATA_DIR: dir.path }).status).toBe(0);
    const admin = runCli(["tokens", "add", "dash-admin", "--role", "admin", "--json"], { IOC_DATA_DIR: dir.path });
    const token = (JSON.parse(admin.stdout) as { token: string }).token;
    // One adapter (a UDP NMEA listener), so that the hub-health board's adapter table has a row.
    const config = join(dir.path, "config.json");
    writeFileSync(config, JSON.stringify({ adapters: [{ id: "rx-udp", type: "udp", host: "127.0.0.1", port: 0, format: "ais-nmea" }] }));
    hub = await startHub(dir.path, {
      IOC_CONFIG: config,
      IOC_INFLUX_URL: influx.url,
      IOC_INFLUX_FLUSH_INTERVAL_MS: "10",
      IOC_INFLUX_SELF_METRICS_INTERVAL_MS: "200",
    });
    await publishMessages(hub.mqttUrl, Object.fromEntries([...creds].map(([id, c]) => [id, c.password])), simulation.messages, 0, () => {});
    // An operator acknowledges one alert (time to acknowledge).
    api = (path: string, init: RequestInit = {}) =>
      fetch(`${hub.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });
    await waitFor(
      "a fisheries alert",
      async () => ((await (await api("/api/v1/alerts?state=open&domain=fisheries")).json()) as { alerts: unknown[] }).alerts.length > 0,
    );
    const [first] = ((await (await api("/api/v1/alerts?state=raised&domain=fisheries")).json()) as { alerts: { id: number }[] }).alerts;
    expect((await api(`/api/v1/alerts/${first?.id}/ack`, { method: "POST", body: "{}" })).status).toBe(200);
    // Everything stored: the hub's spool drained into InfluxDB.
    await waitFor(
      "the acknowledgement in InfluxDB",
      async () => (await influx.rows('SELECT count("state") FROM "alert" WHERE "event" = \'acknowledged\'')).length === 1,
    );
    await waitFor(
      "a daily AQI in InfluxDB",
      async () => (await influx.rows('SELECT count("value") FROM "env_index" WHERE "period" = \'24h\'')).length === 1,
    );
    // Half a minute of the hub's own metrics (every 200 ms), so that rates over 10 s buckets exist.
    await waitFor(
      "30 s of the hub's own metrics",
      async () => Number((await influx.rows('SELECT count("received") FROM "hub" WHERE "stage" = \'ingest\''))[0]?.count ?? 0) >= 150,
      60_000,
    );

    // Every panel's query, as Grafana would send it for the board's default time range: $timeFilter
    // in epoch milliseconds, $__interval the range over ~1,000 points but not under the datasource's
    // 10 s minimum (timeInterval in the provisioning).
    const end = Date.now();
    for (const [folder, list] of Object.entries(boards)) {
      for (const board of list) {
        const rangeMs = Number(/^now-(\d+)h$/.exec(board.time.from)?.[1]) * HOUR;
        const timeFilter = `time >= ${end - rangeMs}ms and time <= ${end}ms`;
        const interval = `${Math.max(10, Math.round(rangeMs / 1000 / 1000))}s`;
        const vars = new Map<string, string>();
        for (const v of board.templating.list) {
          const [series = []] = await influx.client.query(v.query);
          const values = series.flatMap((s) => s.values.map((row) => String(row[1])));
          expect(values.length, `${board.uid} $${v.name} has values`).toBeGreaterThan(0);
          // A single-value variable gets one value as a user would pick it: here the fishing vessel.
          vars.set(v.name, v.multi ? regexOf(values) : regexOf([values[0] as string]));
        }
        for (const panel of board.panels) {
          for (const t of panel.targets) {
            let q = t.query.replaceAll("$timeFilter", timeFilter).replaceAll("$__interval", interval);
            for (const [name, value] of vars) q = q.replaceAll(`$${name}`, value);
            const [series = []] = await influx.client.query(q, { method: "POST" });
            results.set(`${folder}/${board.uid}/${panel.title}/${t.refId}`, series);
          }
        }
      }
    }
  }, 180_000);
  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  const all = Object.entries(boards).flatMap(([folder, list]) =>
    list.flatMap((board) =>
      board.panels.flatMap((panel: Panel) => panel.targets.map((t) => [`${folder}/${board.uid}/${panel.title}/${t.refId}`] as const)),
    ),
  );

  it.each(all)("%s runs", (key) => {
    expect(results.has(key), `${key} was run without error`).toBe(true);
  });

  const columns = (key: string) => new Set((results.get(key) ?? []).flatMap((s) => [...s.columns, ...Object.keys(s.tags ?? {})]));
  const rowCount = (key: string) => (results.get(key) ?? []).reduce((n, s) => n + s.values.length, 0);
  const numericValues = (key: string) =>
    (results.get(key) ?? []).flatMap((s) => s.values.map((row) => row[1])).filter((v) => typeof v === "number");

  it.each([
    ["Fisheries/ioc-fleet/Latest position of every vessel/A", ["lat", "lon", "vessel", "source"]],
    ["Fisheries/ioc-fleet/Track of $vessel/A", ["lat", "lon"]],
    ["Fisheries/ioc-fleet/Open fisheries alerts/A", ["state", "message", "subject", "rule"]],
    ["Fisheries/ioc-fleet/Last fix of every vessel, longest silent first/A", ["lat", "lon", "vessel"]],
    ["Environment/ioc-environment/Stations by current VN_AQI/A", ["vn_aqi", "station"]],
    ["Environment/ioc-environment/Daily AQI/A", ["aqi", "category", "station", "index"]],
    ["Environment/ioc-environment/Station health (offline, feed outages, flat-line, out of range, clock)/A", ["state", "subject"]],
    ["Operators/ioc-alerts/Open alerts by domain/A", ["count", "domain"]],
    ["Operators/ioc-alerts/Alert states/A", ["state"]],
    ["Operators/ioc-alerts/Top rules/A", ["raised", "rule"]],
    ["Operations/ioc-hub-health/Adapters (serial, UDP, TCP, Modbus)/A", ["state", "lines", "adapter", "type"]],
  ])("key panel %s returns rows with the fields it draws", (key, fields) => {
    expect(rowCount(key), key).toBeGreaterThan(0);
    for (const field of fields) expect(columns(key), `${key} has ${field}`).toContain(field);
  });

  it.each([
    "Environment/ioc-environment/PM2.5 (µg/m³)/A",
    "Environment/ioc-environment/Hourly VN_AQI/A",
    "Environment/ioc-environment/VN_WQI/A",
    "Operators/ioc-alerts/Mean time to acknowledge/A",
    "Operations/ioc-hub-health/Ingest rate by transport (messages/s)/A",
    "Operations/ioc-hub-health/Spool depth (points) and age of the oldest point (s)/A",
  ])("time series %s has time and numbers", (key) => {
    expect(columns(key)).toContain("time");
    expect(numericValues(key).length, key).toBeGreaterThan(0);
  });

  it("serves the stations with their hourly index and its category named in Vietnamese and English", async () => {
    const stations = (await (await api("/api/v1/stations")).json()) as {
      features: {
        id: string;
        properties: { indices: Record<string, { value: number; category: string; name?: { vi: string; en: string } }> };
      }[];
    };
    const air = stations.features.filter((f) => f.properties.indices.vn_aqi);
    const water = stations.features.filter((f) => f.properties.indices.vn_wqi);
    expect(air.length).toBeGreaterThan(0);
    expect(water.length).toBeGreaterThan(0);
    const vnAqi: Record<string, string> = {
      good: "Tốt",
      moderate: "Trung bình",
      poor: "Kém",
      bad: "Xấu",
      very_bad: "Rất xấu",
      hazardous: "Nguy hại",
    };
    for (const f of air) {
      const index = f.properties.indices.vn_aqi as { category: string; name?: { vi: string } };
      expect(index.name?.vi, f.id).toBe(vnAqi[index.category]);
    }
    // The same id is another band in VN_WQI: "poor" is Xấu there, Kém in VN_AQI.
    const vnWqi: Record<string, string> = {
      excellent: "Rất tốt",
      good: "Tốt",
      moderate: "Trung bình",
      poor: "Xấu",
      bad: "Kém",
      heavily_polluted: "Ô nhiễm rất nặng",
    };
    for (const f of water) {
      const index = f.properties.indices.vn_wqi as { category: string; name?: { vi: string; en: string } };
      expect(index.name?.vi, f.id).toBe(vnWqi[index.category]);
      expect(index.name?.en).toMatch(/^[A-Z]/);
    }
  });

  it("finds the vessel that went silent, and the fresh one on the map", () => {
    // Oldest last fix first (what the panel's sort shows): the vessel that went dark, 7 hours ago.
    const lastFixes = (results.get("Fisheries/ioc-fleet/Last fix of every vessel, longest silent first/A") ?? [])
      .map((s) => ({ vessel: s.tags?.vessel, time: s.values[0]?.[0] as number }))
      .sort((a, b) => a.time - b.time);
    expect(lastFixes[0]?.vessel).toBe(simulation.answerKey.find((a) => a.rule === "going-dark")?.subject);
    expect(Date.now() - (lastFixes[0]?.time ?? 0)).toBeGreaterThan(6 * HOUR);
    expect(Date.now() - (lastFixes[1]?.time ?? 0)).toBeLessThan(HOUR);
    const map = [
      ...new Set((results.get("Fisheries/ioc-fleet/Latest position of every vessel/A") ?? []).map((s) => s.tags?.vessel)),
    ].sort();
    expect(map).toEqual((simulation.run?.vessels ?? []).map((v) => v.id).sort());
  });
});
