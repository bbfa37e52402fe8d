// `npm run demo`: starts the hub on its embedded defaults (MQTT 1883, HTTP 8080, a managed influxd
// under ./var) and publishes readings from the demo stations over real MQTT, as devices would.
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
import { demoReading, demoStations } from "./demo-stations.js";
import { seededRandom } from "./seeded-random.js";

const { values } = parseArgs({
  options: {
    interval: { type: "string", default: "5" },
    duration: { type: "string" },
    seed: { type: "string", default: "1" },
    connect: { type: "string" },
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
const tick = async () => {
  const now = Date.now();
  await Promise.all(
    demoStations.map((station, i) =>
      (clients[i] as MqttClient).publishAsync(
        topics.sensorData(station.id),
        JSON.stringify({ time: now, values: demoReading(station, now, random) }),
        { qos: 1 },
      ),
    ),
  );
  published += demoStations.length;
};
await tick();
const timer = setInterval(() => {
  tick().catch((error) => log.error({ err: error }, "demo publish failed"));
}, intervalMs);

process.stdout.write(
  [
    "",
    `IOC hub demo: ${demoStations.length} stations publishing every ${intervalMs / 1000} s over MQTT to ${url}.`,
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
