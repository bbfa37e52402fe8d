// The chaos soak: water stations publish QoS 1 readings (some low enough in dissolved oxygen to raise
// and clear alerts) while a driver SIGKILLs and restarts the hub at random points, stops and starts
// influxd, and lets the spool fill towards a small cap. A reading is re-sent until it is
// acknowledged (PUBACK), as a device does. At the end, with InfluxDB up and the spool drained, every
// acknowledged reading must be in InfluxDB exactly once with its value (by station and time), nothing
// must be there that was never sent, and every alert event the hub recorded must be in InfluxDB's
// `alert` measurement with at most one open alert per rule and station.
// Used by test/e2e/chaos.test.ts (short) and `npm run soak` (bench/soak.ts, long). Loopback only;
// bounded by the number of kills and a deadline.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { seededRandom } from "../../simulators/seeded-random.js";
import { type Credentials, addDevices } from "./devices.js";
import { type HubProcess, runCli, startHub } from "./hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "./influxd.js";
import { tempDir } from "./temp-dir.js";

export interface SoakOptions {
  kills: number;
  stations: number;
  /** Readings each station must get acknowledged in all. */
  readingsPerStation: number;
  /** How long each hub incarnation lives before its SIGKILL: a random time in this range, ms. */
  lifeMs: [number, number];
  seed: number;
  deadlineMs: number;
  log: (line: string) => void;
}

export interface SoakReport {
  kills: number;
  influxRestarts: number;
  published: number;
  acked: number;
  resent: number;
  spoolFullRefusals: number;
  maxSpoolPoints: number;
  storedReadings: number;
  missing: number;
  wrongValue: number;
  extra: number;
  alerts: number;
  alertEvents: number;
  alertEventsMissingInInflux: number;
  openAlertsPerSubjectMax: number;
  seconds: number;
}

const HOUR = 3_600_000;

/** Dissolved oxygen of reading i: low (an alert) for 5 readings in every 40. */
const doValue = (station: number, i: number) => (i % 40 < 5 ? 2.0 + ((i + station) % 5) / 10 : 6.0 + ((i * 7 + station) % 10) / 10);

export async function runChaosSoak(options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const dir = tempDir("soak");
  const influx: TestInfluxd = await startTestInfluxd();
  const stations = Array.from({ length: options.stations }, (_, i) => `wq-soak-${i}`);
  const creds = await addDevices(
    dir.path,
    stations.map((id) => ({ id, kind: "water" as const })),
  );
  const token = (
    JSON.parse(runCli(["tokens", "add", "soak", "--role", "admin", "--json"], { IOC_DATA_DIR: dir.path }).stdout) as { token: string }
  ).token;
  const baseTime = Math.floor((Date.now() - 12 * HOUR) / 1000) * 1000;
  const env = {
    IOC_INFLUX_URL: influx.url,
    IOC_INFLUX_FLUSH_INTERVAL_MS: "20",
    IOC_INFLUX_MAX_RETRY_DELAY_MS: "500",
    IOC_SPOOL_MAX_BYTES: String(1024 * 1024),
    IOC_SPOOL_SEGMENT_BYTES: String(64 * 1024),
    IOC_RULES_STATE_FLUSH_INTERVAL_MS: "200",
  };
  const next = new Map(stations.map((s) => [s, 0])); // the next reading each station must get acknowledged
  const report: SoakReport = {
    kills: 0,
    influxRestarts: 0,
    published: 0,
    acked: 0,
    resent: 0,
    spoolFullRefusals: 0,
    maxSpoolPoints: 0,
    storedReadings: 0,
    missing: 0,
    wrongValue: 0,
    extra: 0,
    alerts: 0,
    alertEvents: 0,
    alertEventsMissingInInflux: 0,
    openAlertsPerSubjectMax: 0,
    seconds: 0,
  };
  const sentOnce = new Set<string>();

  /** Publishes each station's readings in order, one in flight, until the hub goes away or all are acknowledged. */
  const publishTo = (hub: HubProcess) => {
    const clients: mqtt.MqttClient[] = [];
    let stopped = false;
    const done = Promise.all(
      stations.map(async (station) => {
        let client: mqtt.MqttClient;
        try {
          client = await mqtt.connectAsync(
            hub.mqttUrl,
            { ...(creds.get(station) as Credentials), clientId: station, reconnectPeriod: 0, connectTimeout: 3000 },
            false,
          );
        } catch {
          return;
        }
        clients.push(client);
        client.on("error", () => undefined);
        const stationIndex = stations.indexOf(station);
        while (!stopped && client.connected && (next.get(station) as number) < options.readingsPerStation) {
          const i = next.get(station) as number;
          const key = `${station}/${i}`;
          if (sentOnce.has(key)) report.resent++;
          sentOnce.add(key);
          report.published++;
          const reading = { time: baseTime + i * 1000, values: { do: doValue(stationIndex, i), temperature: 26 } };
          try {
            await client.publishAsync(`ioc/v1/sensors/${station}/data`, JSON.stringify(reading), { qos: 1 });
            next.set(station, i + 1);
            report.acked++;
          } catch {
            break;
          }
        }
      }),
    );
    return {
      done,
      stop: async () => {
        stopped = true;
        for (const c of clients) c.end(true);
        await done;
      },
    };
  };

  const errorsTopicWatch = (hub: HubProcess) =>
    hub
      .output()
      .split("\n")
      .filter((l) => l.includes("spool_full")).length;

  let influxDown = false;
  for (let k = 0; k < options.kills && Date.now() - started < options.deadlineMs; k++) {
    // Every fourth incarnation runs with InfluxDB stopped (the spool fills), and InfluxDB comes back two later.
    if (!influxDown && k % 4 === 1) {
      await influx.stop();
      influxDown = true;
    } else if (influxDown && k % 4 === 3) {
      await influx.start();
      influxDown = false;
      report.influxRestarts++;
    }
    const hub = await startHub(dir.path, env);
    const publishing = publishTo(hub);
    const life = options.lifeMs[0] + random() * (options.lifeMs[1] - options.lifeMs[0]);
    const until = Date.now() + life;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, Math.min(100, Math.max(0, until - Date.now()))));
      const ready = (await fetch(`${hub.httpUrl}/readyz`).then(
        (r) => r.json(),
        () => undefined,
      )) as { spool?: { points: number } } | undefined;
      report.maxSpoolPoints = Math.max(report.maxSpoolPoints, ready?.spool?.points ?? 0);
    }
    report.spoolFullRefusals += errorsTopicWatch(hub);
    await hub.kill();
    report.kills++;
    await publishing.stop();
    options.log(
      `kill ${report.kills}: acked ${report.acked}, influx ${influxDown ? "down" : "up"}, max spool ${report.maxSpoolPoints} points`,
    );
  }

  // The end: InfluxDB up, one last hub until every reading is acknowledged and the spool is empty.
  if (influxDown) {
    await influx.start();
    report.influxRestarts++;
  }
  const hub = await startHub(dir.path, env);
  const publishing = publishTo(hub);
  await publishing.done;
  const drainDeadline = Date.now() + 120_000;
  for (;;) {
    const ready = (await (await fetch(`${hub.httpUrl}/readyz`)).json()) as { spool: { points: number } };
    if (ready.spool.points === 0 || Date.now() > drainDeadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 1500)); // the last timer round of the rules and its alert points
  const api = (path: string) => fetch(`${hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());

  // Readings: every acknowledged one once, with its value; nothing never sent.
  const rows = await influx.rows('SELECT "do" FROM "env_reading" WHERE "station" =~ /^wq-soak-/ GROUP BY "station"');
  const stored = new Map(rows.map((r) => [`${r.station as string}/${((r.time as number) - baseTime) / 1000}`, r.do as number]));
  report.storedReadings = stored.size;
  stations.forEach((station, s) => {
    for (let i = 0; i < (next.get(station) as number); i++) {
      const value = stored.get(`${station}/${i}`);
      if (value === undefined) report.missing++;
      else if (value !== doValue(s, i)) report.wrongValue++;
    }
  });
  for (const key of stored.keys()) if (!sentOnce.has(key)) report.extra++;

  // Alerts: each recorded event in InfluxDB; at most one open alert per rule and station.
  const list = (await api("/api/v1/alerts?limit=500")) as { alerts: { id: number; rule: string; subject: string; state: string }[] };
  const soakAlerts = list.alerts.filter((a) => a.subject.startsWith("wq-soak-"));
  report.alerts = soakAlerts.length;
  const open = new Map<string, number>();
  for (const a of soakAlerts) if (a.state !== "closed") open.set(`${a.rule}/${a.subject}`, (open.get(`${a.rule}/${a.subject}`) ?? 0) + 1);
  report.openAlertsPerSubjectMax = Math.max(0, ...open.values());
  const inflSeqs = new Set((await influx.rows(`SELECT "seq" FROM "alert" WHERE "subject" =~ /^wq-soak-/`)).map((r) => r.seq as number));
  for (const a of soakAlerts) {
    const detail = (await api(`/api/v1/alerts/${a.id}`)) as { audit: { seq: number; at: string; action: string }[] };
    detail.audit.forEach((event, i) => {
      report.alertEvents++;
      if (!inflSeqs.has(event.seq)) {
        report.alertEventsMissingInInflux++;
        options.log(`alert event missing in InfluxDB: ${JSON.stringify(event)} after ${JSON.stringify(detail.audit[i - 1])}`);
      }
    });
  }
  await hub.stop();
  report.seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(join(dir.path, "report.json"), JSON.stringify(report));
  await influx.destroy();
  dir.remove();
  return report;
}
