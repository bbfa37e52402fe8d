// `ioc-hub simulate load --devices N --rate R --mix air,water,ais,vms [--duration 30s] --mqtt url`:
// N devices of the mixed kinds (provisioned in the registry under IOC_DATA_DIR, which the hub on
// loopback shares) publishing R messages a second in total, QoS 1, for the duration — bounded in
// count (R × duration) and in time (duration + 30 s to drain). Air and water stations send sensor
// JSON, AIS receivers NMEA position reports of their own vessels, VMS terminals JSON positions.
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceKind } from "../broker/acl.js";
import { DeviceRegistry } from "../broker/device-registry.js";
import { openDatabase } from "../store/database.js";
import { classAPosition, sentences } from "./ais-encoder.js";
import { seededRandom } from "./seeded-random.js";

export const loadKinds = ["air", "water", "ais", "vms"] as const;
export type LoadKind = (typeof loadKinds)[number];

export interface LoadOptions {
  devices: number;
  rate: number;
  mix: LoadKind[];
  durationS: number;
  url: string;
  dataDir: string;
  seed: number;
}

export interface LoadResult {
  devices: number;
  published: number;
  acked: number;
  seconds: number;
  ratePerSecond: number;
  byKind: Record<string, number>;
}

const registryKind: Record<LoadKind, DeviceKind> = { air: "air", water: "water", ais: "ais-receiver", vms: "vessel" };

function message(
  kind: LoadKind,
  id: string,
  index: number,
  seq: number,
  timeMs: number,
  random: () => number,
): { topic: string; payload: string } {
  switch (kind) {
    case "air":
      return {
        topic: `ioc/v1/sensors/${id}/data`,
        payload: JSON.stringify({
          time: timeMs,
          values: {
            pm25: Math.round(random() * 600) / 10,
            pm10: Math.round(random() * 900) / 10,
            temperature: 25 + Math.round(random() * 50) / 10,
          },
        }),
      };
    case "water":
      return {
        topic: `ioc/v1/sensors/${id}/data`,
        payload: JSON.stringify({
          time: timeMs,
          values: {
            ph: 7 + Math.round(random() * 10) / 10,
            do: 5 + Math.round(random() * 30) / 10,
            turbidity: Math.round(10 + random() * 10),
          },
        }),
      };
    case "ais": {
      const mmsi = 574_500_000 + index * 100 + (seq % 20);
      const report = {
        mmsi,
        lat: 16.6 + random() * 0.3,
        lon: 107.7 + random() * 0.3,
        sogKn: 7,
        cogDeg: 90,
        navStatus: 0,
        second: Math.floor(timeMs / 1000) % 60,
      };
      return {
        topic: `ioc/v1/ais/${id}/nmea`,
        payload: `${sentences(classAPosition(report), "A", seq, { receiver: id, unixTimeS: timeMs / 1000 }).join("\n")}\n`,
      };
    }
    case "vms":
      return {
        topic: `ioc/v1/vessels/${id}/vms`,
        payload: JSON.stringify({ time: timeMs, lat: 16.7 + index * 0.001, lon: 107.8 + (seq % 100) * 0.0001, speedKn: 6 }),
      };
  }
}

export async function runLoadMix(options: LoadOptions): Promise<LoadResult> {
  const random = seededRandom(options.seed);
  const devices = Array.from({ length: options.devices }, (_, i) => {
    const kind = options.mix[i % options.mix.length] as LoadKind;
    return { id: `load-${kind}-${String(i).padStart(4, "0")}`, kind, index: i };
  });
  // Credentials: new secrets for the load devices in the registry the hub reads (loopback use).
  const db = openDatabase(options.dataDir);
  const registry = new DeviceRegistry(db);
  const passwords = new Map<string, string>();
  for (const d of devices) {
    const result = registry.find(d.id) ? await registry.rotate(d.id) : await registry.add(d.id, { kind: registryKind[d.kind] });
    passwords.set(d.id, result.password);
  }
  db.close();
  const clients: MqttClient[] = await Promise.all(
    devices.map((d) =>
      mqtt.connectAsync(options.url, { username: d.id, password: passwords.get(d.id), clientId: d.id, reconnectPeriod: 1000 }),
    ),
  );
  const total = Math.round(options.rate * options.durationS);
  const started = Date.now();
  const deadline = started + (options.durationS + 30) * 1000;
  let published = 0;
  let acked = 0;
  const byKind: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  for (let seq = 0; seq < total && Date.now() < deadline; seq++) {
    const due = started + (seq / options.rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const d = devices[seq % devices.length] as (typeof devices)[number];
    const m = message(d.kind, d.id, d.index, Math.floor(seq / devices.length), Date.now(), random);
    pending.push(
      (clients[d.index] as MqttClient).publishAsync(m.topic, m.payload, { qos: 1 }).then(() => {
        acked++;
      }),
    );
    published++;
    byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    if (pending.length >= 1000) await Promise.all(pending.splice(0));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
  clearTimeout(timer);
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  return { devices: devices.length, published, acked, seconds, ratePerSecond: Math.round(acked / seconds), byKind };
}
