// `npm run demo`: starts the hub on its embedded defaults (MQTT 1883, HTTP 8080, a managed influxd
// under ./var), replays the last 14 hours of the hue-all scenario (the fleet and the stations, with
// their misbehaviour, so alerts are there within a minute), then keeps publishing live readings from
// the demo stations over real MQTT, as devices would (a station the history left offline comes back
// after `--offline-for` seconds, 90). `--scenario none` skips the replay.
// With `--connect mqtt://host:port` it starts no hub and publishes to that one instead (docker-compose's
// simulators profile), provisioning the stations' credentials in the registry under IOC_DATA_DIR,
// which it shares with that hub.
import { parseArgs } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { DeviceRegistry } from "../broker/device-registry.js";
import { topics } from "../broker/topics.js";
import { loadConfig } from "../hub/config.js";
import { createLogger } from "../hub/logger.js";
import { startHub } from "../hub/main.js";
import { openDatabase } from "../store/database.js";
import { ApiTokens } from "../api/api-tokens.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { VesselRegistry } from "../vessels/vessel-registry.js";
import { demoReading, demoStations } from "./demo-stations.js";
import { publishMessages, registerOf, scenarioDevices, simulate } from "./simulate-command.js";
import { seededRandom } from "./seeded-random.js";

const { values } = parseArgs({
  options: {
    interval: { type: "string", default: "5" },
    duration: { type: "string" },
    seed: { type: "string", default: "1" },
    connect: { type: "string" },
    scenario: { type: "string", default: "hue-all" },
    "offline-for": { type: "string", default: "90" },
  },
});
const intervalMs = Number(values.interval) * 1000;
const config = loadConfig();
const log = createLogger(config.logLevel);
const hub = values.connect ? undefined : await startHub(config, log);

// Demo credentials: new secrets for the demo stations on every run (the registry keeps only hashes).
const db = openDatabase(config.dataDir);
const registry = new DeviceRegistry(db);
const passwords = new Map<string, string>();
for (const station of demoStations) {
  const result = registry.find(station.id) ? await registry.rotate(station.id) : await registry.add(station.id, { kind: station.kind });
  passwords.set(station.id, result.password);
}
db.close();

// The scenario's history: its devices and vessels provisioned in the hub's registry, then replayed.
let history = { messages: 0, readings: 0 };
/** Live stations the replayed history left offline: silent for `--offline-for` seconds, then back. */
let offlineInHistory = new Set<string>();
let apiToken: string | undefined;
if (values.scenario && values.scenario !== "none") {
  const hours = 14;
  const simulation = simulate({
    scenario: values.scenario,
    seed: Number(values.seed),
    durationH: hours,
    startMs: Date.now() - hours * 3_600_000,
    stepS: 30,
  });
  const scenarioDb = openDatabase(config.dataDir);
  const devices = new DeviceRegistry(scenarioDb);
  const scenarioPasswords: Record<string, string> = {};
  for (const d of scenarioDevices(simulation)) {
    // The demo stations are also scenario stations: they keep the password the live loop uses.
    const known = passwords.get(d.id);
    if (known) {
      scenarioPasswords[d.id] = known;
      continue;
    }
    const result = devices.find(d.id) ? await devices.rotate(d.id) : await devices.add(d.id, d.role ? { role: d.role } : { kind: d.kind });
    scenarioPasswords[d.id] = result.password;
  }
  new VesselRegistry(scenarioDb, new SchemaRegistry(), new RegExp(config.vessels.registrationPattern, "u")).import(
    registerOf(simulation.run),
  );
  apiToken = (await new ApiTokens(scenarioDb).add(`demo-${Date.now()}`, "operator")).secret;
  scenarioDb.close();
  const target = values.connect ?? `mqtt://${config.bind.includes(":") ? `[${config.bind}]` : config.bind}:${hub?.ports.mqtt}`;
  await publishMessages(target, scenarioPasswords, simulation.messages, 0, () => {});
  offlineInHistory = new Set(simulation.answerKey.filter((a) => a.rule === "station-offline").map((a) => a.subject));
  history = {
    messages: simulation.messages.length,
    readings: simulation.messages.filter((m) => m.topic.startsWith("ioc/v1/sensors/")).length,
  };
}

const random = seededRandom(Number(values.seed));
const url = values.connect ?? `mqtt://${config.bind.includes(":") ? `[${config.bind}]` : config.bind}:${hub?.ports.mqtt}`;
const clients: MqttClient[] = [];
for (const station of demoStations) {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    clientId: `demo-${station.id}`,
    username: station.id,
    password: passwords.get(station.id),
    clean: false,
    will: { topic: topics.deviceStatus(station.id), payload: Buffer.from("offline"), qos: 1, retain: true },
  });
  await client.publishAsync(topics.deviceStatus(station.id), "online", { qos: 1, retain: true });
  clients.push(client);
}

let published = 0;
// A station the history left offline stays silent a while, so that the hub's first timer round finds
// it offline (station-offline) and its return clears the alert, as the scenario has it.
const backAt = Date.now() + Number(values["offline-for"]) * 1000;
const tick = async () => {
  const now = Date.now();
  const live = demoStations.filter((station) => now >= backAt || !offlineInHistory.has(station.id));
  await Promise.all(
    live.map((station) =>
      (clients[demoStations.indexOf(station)] as MqttClient).publishAsync(
        topics.sensorData(station.id),
        JSON.stringify({ time: now, values: demoReading(station, now, random) }),
        { qos: 1 },
      ),
    ),
  );
  published += live.length;
};
await tick();
const timer = setInterval(() => {
  tick().catch((error) => log.error({ err: error }, "demo publish failed"));
}, intervalMs);

process.stdout.write(
  [
    "",
    `IOC hub demo: ${demoStations.length} stations publishing every ${intervalMs / 1000} s over MQTT to ${url}.`,
    ...(history.messages > 0
      ? [`  history:  replayed ${history.messages} messages (${history.readings} readings) of the last 14 h of ${values.scenario}`]
      : []),
    ...(offlineInHistory.size > 0
      ? [`  offline:  ${[...offlineInHistory].join(", ")} went offline in the history; live again in ${values["offline-for"]} s`]
      : []),
    ...(apiToken && hub
      ? [
          `  console:  open http://127.0.0.1:${hub.ports.http}/ and sign in with the token ${apiToken}`,
          `  alerts:   curl -H 'Authorization: Bearer ${apiToken}' http://127.0.0.1:${hub.ports.http}/api/v1/alerts?state=open`,
        ]
      : []),
    ...(hub
      ? [
          `  health:   curl http://127.0.0.1:${hub.ports.http}/readyz`,
          `  metrics:  curl http://127.0.0.1:${hub.ports.http}/metrics`,
          `  schemas:  curl http://127.0.0.1:${hub.ports.http}/api/v1/schemas/sensor-reading`,
          hub.influxUrl
            ? `  data:     influx -host 127.0.0.1 -port ${new URL(hub.influxUrl).port} -database ${config.influx.db} -execute 'SELECT * FROM env_reading ORDER BY time DESC LIMIT 10'`
            : "  data:     no influxd; readings wait in the spool",
        ]
      : []),
    "Ctrl-C stops the demo.",
    "",
  ].join("\n"),
);

const stop = async () => {
  clearInterval(timer);
  await Promise.all(clients.map((c) => c.endAsync()));
  await hub?.stop();
  process.stdout.write(`demo stopped after ${published} readings\n`);
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
if (values.duration) setTimeout(() => void stop(), Number(values.duration) * 1000);
