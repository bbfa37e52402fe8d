// A hub restarted after a downtime does not blame the stations for the silence it could not hear,
// with real processes: two stations report, the hub stops, and it starts again as if it had been
// down for 34 minutes (its last heartbeat moved back in its database: a test cannot wait half an
// hour). The station last heard before the downtime is not offline; the one whose reading is from
// inside the downtime (a logger's upload, heard late) is silent on its own account and is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../store/database.js";
import { type Credentials, addApiToken, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const MIN = 60_000;

interface AlertDoc {
  rule: string;
  subject: string;
  state: string;
  message: string;
}

describe("the hub's own downtime", () => {
  let influx: TestInfluxd;
  let hub: HubProcess | undefined;
  let creds: Map<string, Credentials>;
  let token: string;
  const dir = tempDir("hub-downtime");
  const env = (tickMs: number) => ({ IOC_INFLUX_URL: influx.url, IOC_RULES_TICK_INTERVAL_MS: String(tickMs) });

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [
      { id: "aq-heard-before", kind: "air" },
      { id: "aq-heard-during", kind: "air" },
    ]);
    token = await addApiToken(dir.path, "ops-admin", "admin");
  });
  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("does not count the time it was down toward a station's silence", async () => {
    const now = Date.now();
    // First run: no timer round at all (ten minutes between rounds), so the silence is judged only after the restart.
    hub = await startHub(dir.path, env(600_000));
    for (const [station, ageMin] of [
      ["aq-heard-before", 35],
      ["aq-heard-during", 33],
    ] as const) {
      const device = await connectDevice(hub.mqttUrl, creds.get(station));
      const reading = { time: new Date(now - ageMin * MIN).toISOString(), values: { pm25: 12.5 } };
      await device.publishAsync(`ioc/v1/sensors/${station}/data`, JSON.stringify(reading), { qos: 1 });
      await device.endAsync();
    }
    expect(await hub.stop()).toBe(0);

    const db = openDatabase(dir.path);
    db.prepare("UPDATE settings SET value = ? WHERE key = 'hub.alive_at'").run(String(now - 34 * MIN));
    db.close();

    hub = await startHub(dir.path, env(200));
    expect(hub.output()).toContain("the hub was down since its last heartbeat");
    const offline = async () => {
      const response = await fetch(`${hub?.httpUrl}/api/v1/alerts?limit=100`, { headers: { authorization: `Bearer ${token}` } });
      const { alerts } = (await response.json()) as { alerts: AlertDoc[] };
      return alerts.filter((a) => a.rule === "station-offline");
    };
    // Heard at minute -33, inside the downtime: that reading shows the station was heard then, so its 33 min are its own.
    const raised = await until(offline, (alerts) => alerts.length > 0);
    expect(raised.map((a) => [a.subject, a.state])).toEqual([["aq-heard-during", "raised"]]);
    expect(raised[0]?.message).toMatch(/^no reading for 33 min \(limit 30 min\)$/);
    // A few more timer rounds: the station heard before the downtime (35 min ago, 1 min of it with
    // the hub up) stays unblamed.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await offline()).map((a) => a.subject)).toEqual(["aq-heard-during"]);
  });
});
