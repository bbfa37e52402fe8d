// Stations behind one gateway that falls silent make one feed-outage alert, not one station-offline
// alert each, with real processes: a gateway (an integration account) relays three water stations'
// readings, stamped 36–40 minutes ago, then nothing. The hub raises `feed-outage` for the gateway
// and holds the stations' own alerts; when the gateway relays one station again the outage clears,
// and the two stations still silent go offline on their own, once their offline limit has passed
// since the gateway's return (15 s here: the shipped rules with a short limit).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import { type Credentials, addApiToken, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const MIN = 60_000;
const OFFLINE_AFTER_S = 15;
const STATIONS = ["wq-lagoon-1", "wq-lagoon-2", "wq-lagoon-3"];

interface AlertDoc {
  rule: string;
  subject: string;
  state: string;
  domain: string;
  message: string;
}

describe("feed outages", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let token: string;
  const dir = tempDir("feed-outage");

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [{ id: "gw-lagoon", role: "integration" }]);
    token = await addApiToken(dir.path, "ops", "operator");
  });
  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  const alerts = async () => {
    const response = await fetch(`${hub.httpUrl}/api/v1/alerts?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { alerts: AlertDoc[] }).alerts.filter(
      (a) => a.rule === "feed-outage" || a.rule === "station-offline",
    );
  };

  it("raises one alert for the gateway, clears it when the gateway is heard, then judges its stations on their own", async () => {
    const rules = JSON.parse(readFileSync(join(packageRoot, "alerts", "default-rules.json"), "utf8")) as {
      sensor: { id: string; params?: Record<string, unknown> }[];
    };
    for (const entry of rules.sensor)
      if (entry.id === "station-offline") entry.params = { ...entry.params, afterMinutes: OFFLINE_AFTER_S / 60 };
    const rulesFile = join(dir.path, "rules.json");
    writeFileSync(rulesFile, JSON.stringify(rules));
    const env = (tickMs: number) => ({ IOC_INFLUX_URL: influx.url, IOC_RULES_TICK_INTERVAL_MS: String(tickMs), IOC_RULES_FILE: rulesFile });
    // The relayed history goes in with no timer round (ten minutes between rounds), so that no round
    // falls between two of its readings; the hub restarted with rounds every 200 ms then judges it.
    hub = await startHub(dir.path, env(600_000));
    let gateway = await connectDevice(hub.mqttUrl, creds.get("gw-lagoon"));
    const send = (station: string, ageMin: number) =>
      gateway.publishAsync(
        `ioc/v1/sensors/${station}/data`,
        JSON.stringify({ time: new Date(Date.now() - ageMin * MIN).toISOString(), values: { ph: 7.4, salinity: 12.5 } }),
        { qos: 1 },
      );
    for (const [i, station] of STATIONS.entries()) await send(station, 40 - 2 * i);
    await gateway.endAsync();
    expect(await hub.stop()).toBe(0);
    hub = await startHub(dir.path, env(200));

    const outage = await until(alerts, (list) => list.length > 0);
    expect(outage.map((a) => [a.rule, a.subject, a.state, a.domain])).toEqual([["feed-outage", "gw-lagoon", "raised", "system"]]);
    expect(outage[0]?.message).toBe(
      "all 3 stations sending through gw-lagoon went silent together (wq-lagoon-1, wq-lagoon-2, wq-lagoon-3): the feed is down (power, network or bus), not the stations",
    );
    // More timer rounds: still one alert, no station blamed.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await alerts()).map((a) => `${a.rule} ${a.subject}`)).toEqual(["feed-outage gw-lagoon"]);

    gateway = await connectDevice(hub.mqttUrl, creds.get("gw-lagoon"));
    const back = Date.now();
    await send("wq-lagoon-1", 0);
    // The gateway goes on relaying wq-lagoon-1, so the feed is up.
    const relaying = setInterval(() => void send("wq-lagoon-1", 0).catch(() => undefined), 2000);
    try {
      const after = await until(alerts, (list) => list.filter((a) => a.rule === "station-offline").length === 2, 60_000);
      // Not at once (a round comes every 200 ms): the two silent stations could not be heard while
      // the gateway was down, and have their offline limit from its return on.
      expect(Date.now() - back).toBeGreaterThanOrEqual(OFFLINE_AFTER_S * 1000);
      expect(after.map((a) => `${a.rule} ${a.subject} ${a.state}`).sort()).toEqual([
        "feed-outage gw-lagoon cleared",
        "station-offline wq-lagoon-2 raised",
        "station-offline wq-lagoon-3 raised",
      ]);
      for (const alert of after.filter((a) => a.rule === "station-offline"))
        expect(alert.message).toMatch(/, not counting the \d+ min its feed was out$/);
    } finally {
      clearInterval(relaying);
    }
    await gateway.endAsync();
  });
});
