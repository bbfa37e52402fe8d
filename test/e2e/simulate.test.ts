// The hue-coast scenario against the real hub: the simulated fleet's AIS, VMS JSON and NAF reports
// over MQTT with each device's own credentials, the register imported with the CLI, and the rules
// must raise exactly the alerts of the scenario's answer key — no miss, no extra — for the rules the
// misbehaviour exercises. Also: same seed, same bytes; every position on water; every track within
// the speed envelope.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getDistance } from "geolib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Land } from "../../geofence/land.js";
import { loadZones } from "../../geofence/zone-files.js";
import { ZoneIndex } from "../../geofence/zone-index.js";
import { packageRoot } from "../../hub/package-root.js";
import type { FleetRun } from "../../simulators/fleet-scenario.js";
import { type Simulation, publishMessages, registerOf, scenarioDevices, simulate } from "../../simulators/simulate-command.js";
import { addDevices } from "../support/devices.js";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

/** Rules the scenarios' events exercise: for these, the hub's alerts must be exactly the answer key. */
const JUDGED = [
  "mpa-intrusion",
  "zone-by-class",
  "going-dark",
  "position-jump",
  "boundary-approach",
  "pm25-high",
  "pm25-sustained",
  "pm10-high",
  "o3-high",
  "no2-high",
  "so2-high",
  "co-high",
  "do-low",
  "ph-high",
  "ph-low",
  "turbidity-rise",
  "flat-line",
  "physical-range",
  "station-offline",
  "index-category",
];
const HOUR = 3_600_000;

describe("simulate hue-coast", () => {
  it("gives byte-identical output for the same seed, and a different fleet for another", () => {
    const dir = tempDir("sim-determinism");
    try {
      const out = (seed: string, name: string) => {
        const file = join(dir.path, name);
        const run = runCli(["simulate", "--scenario", "hue-coast", "--seed", seed, "--duration", "6h", "--out", file], {
          IOC_DATA_DIR: dir.path,
        });
        expect(run.status, run.stderr).toBe(0);
        return [readFileSync(file), readFileSync(`${file}.answer.json`)] as const;
      };
      const [a, keyA] = out("7", "a.jsonl");
      const [b, keyB] = out("7", "b.jsonl");
      const [c] = out("8", "c.jsonl");
      expect(a.equals(b)).toBe(true);
      expect(keyA.equals(keyB)).toBe(true);
      expect(a.equals(c)).toBe(false);
      expect(a.length).toBeGreaterThan(10_000);
    } finally {
      dir.remove();
    }
  });

  it("keeps every vessel on water and within its speed envelope", () => {
    const run = simulate({ scenario: "hue-coast", seed: 11, durationH: 14, startMs: Date.parse("2026-01-01T00:00:00Z"), stepS: 30 })
      .run as FleetRun;
    const zones = new ZoneIndex(loadZones(join(packageRoot, "zones")));
    const land = Land.fromFile(join(packageRoot, "geofence", "land", "hue-land.geojson"), () => zones);
    const last = new Map<string, { timeMs: number; lat: number; lon: number }>();
    let checked = 0;
    for (const fix of run.fixes) {
      if (fix.spoofed) continue;
      expect(land.onLand(fix.lat, fix.lon), `${fix.vessel} at ${fix.lat}, ${fix.lon}`).toBe(false);
      expect(fix.sogKn).toBeLessThanOrEqual(10);
      const previous = last.get(fix.vessel);
      if (previous) {
        const knots =
          getDistance({ latitude: previous.lat, longitude: previous.lon }, { latitude: fix.lat, longitude: fix.lon }, 0.1) /
          1852 /
          ((fix.timeMs - previous.timeMs) / HOUR);
        expect(knots, `${fix.vessel} between fixes`).toBeLessThanOrEqual(10.5);
      }
      last.set(fix.vessel, fix);
      checked++;
    }
    expect(checked).toBeGreaterThan(20_000);
    // The fleet spans the size classes; VMS from 15 m; MMSIs with Vietnam's MID 574.
    expect(new Set(run.vessels.map((v) => v.className))).toEqual(new Set(["coastal", "inshore", "offshore"]));
    for (const v of run.vessels) {
      expect(v.id).toMatch(/^TTH-\d{5}-TS$/);
      expect(Math.floor(v.mmsi / 1_000_000)).toBe(574);
      expect(v.vmsDeviceId !== undefined).toBe(v.lengthM >= 15);
    }
  });

  describe("against the hub", () => {
    const dir = tempDir("hub-simulate");
    let hub: HubProcess;
    let simulation: Simulation;
    let token: string;

    beforeAll(async () => {
      // The scenario ends now, so that a vessel dark for its last 7 hours is dark when the hub looks.
      simulation = simulate({ scenario: "hue-all", seed: 1, durationH: 14, startMs: Date.now() - 14 * HOUR, stepS: 30 });
      const creds = await addDevices(dir.path, scenarioDevices(simulation));
      const passwords = Object.fromEntries([...creds].map(([id, c]) => [id, c.password]));
      mkdirSync(join(dir.path, "sim"), { recursive: true });
      const register = join(dir.path, "sim", "vessels.json");
      writeFileSync(register, JSON.stringify(registerOf(simulation.run)));
      expect(runCli(["vessels", "import", register], { IOC_DATA_DIR: dir.path }).status).toBe(0);
      token = (
        JSON.parse(runCli(["tokens", "add", "sim-test", "--role", "operator", "--json"], { IOC_DATA_DIR: dir.path }).stdout) as {
          token: string;
        }
      ).token;
      // The replay runs with the timer rules idle (a round in mid-replay would take a vessel between two
      // of its replayed fixes, hours apart, for "silent" since the hour being replayed); the hub is then
      // restarted with its rule state, and its first timer round sees the scenario's end, which is now.
      hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd", IOC_RULES_TICK_INTERVAL_MS: "3600000" });
      await publishMessages(hub.mqttUrl, passwords, simulation.messages, 0, () => {});
      expect(await hub.stop()).toBe(0);
      hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd", IOC_RULES_TICK_INTERVAL_MS: "500" });
      await new Promise((r) => setTimeout(r, 2_000));
    }, 120_000);
    afterAll(async () => {
      await hub?.stop();
      dir.remove();
    });

    it("raises exactly the alerts of the answer key for the rules the misbehaviour exercises", async () => {
      const response = await fetch(`${hub.httpUrl}/api/v1/alerts?limit=500`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const { alerts } = (await response.json()) as { alerts: { rule: string; subject: string }[] };
      const raised = [...new Set(alerts.filter((a) => JUDGED.includes(a.rule)).map((a) => `${a.rule} ${a.subject}`))].sort();
      const expected = [...new Set(simulation.answerKey.map((a) => `${a.rule} ${a.subject}`))].sort();
      expect(raised).toEqual(expected);
      expect(expected.length).toBeGreaterThanOrEqual(13);
      // No provider outage: one vessel going dark is not a network down.
      expect(alerts.some((a) => a.rule === "provider-outage")).toBe(false);
    });

    it("joins AIS, VMS and NAF into the registered identities", async () => {
      const response = await fetch(`${hub.httpUrl}/api/v1/vessels?registered=false`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as unknown[] | { vessels?: unknown[] };
      const unregistered = Array.isArray(body) ? body : (body.vessels ?? []);
      expect(unregistered).toEqual([]);
    });
  });
});
