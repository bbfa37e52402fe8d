// The hue-air and hue-water scenarios: the province's air and water stations reporting every few
// minutes with a diurnal cycle, rush-hour peaks and a semi-diurnal tide (demo-stations.ts), and the
// scheduled events of simulators/scenarios/hue-environment.json — a pollution episode that crosses
// VN_AQI categories, a sensor that flat-lines, a station that goes offline, a discharge that drops the
// river's dissolved oxygen and clouds it. Seeded like the fleet; the events' `rules` are the answer key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../hub/package-root.js";
import { demoReading } from "./demo-stations.js";
import type { SimMessage } from "./fleet-messages.js";
import { seededRandom } from "./seeded-random.js";

const HOUR = 3_600_000;

export interface EnvironmentConfig {
  intervalMin: number;
  stations: { id: string; kind: "air" | "water"; level: number; lab?: Record<string, number> }[];
  events: {
    kind: "pollution-episode" | "flat-line" | "offline" | "discharge";
    station: string;
    quantity?: string;
    fromHour: number;
    toHour?: number;
    /** PM2.5 during an episode, µg/m³ [low, high] (PM10 follows at 1.6-1.7 times): whatever the hour it falls at. */
    pm25?: [number, number];
    rules: string[];
  }[];
}

export function loadEnvironmentConfig(file = join(packageRoot, "simulators", "scenarios", "hue-environment.json")): EnvironmentConfig {
  return JSON.parse(readFileSync(file, "utf8")) as EnvironmentConfig;
}

export interface StationRun {
  messages: SimMessage[];
  answerKey: { rule: string; subject: string; kind: string }[];
}

export function stationScenario(
  config: EnvironmentConfig,
  kinds: readonly ("air" | "water")[],
  seed: number,
  startMs: number,
  durationH: number,
): StationRun {
  const messages: SimMessage[] = [];
  const stations = config.stations.filter((s) => kinds.includes(s.kind));
  const endMs = startMs + durationH * HOUR;
  for (const station of stations) {
    const random = seededRandom((seed * 7919 + station.id.length * 104729 + station.id.charCodeAt(3)) >>> 0);
    const events = config.events.filter((e) => e.station === station.id);
    let stuck: number | undefined;
    for (let t = startMs; t <= endMs; t += config.intervalMin * 60_000) {
      const hour = (t - startMs) / HOUR;
      const active = (kind: string) =>
        events.find((e) => e.kind === kind && hour >= e.fromHour && hour < (e.toHour ?? Number.POSITIVE_INFINITY));
      if (active("offline")) continue;
      const values = demoReading({ id: station.id, kind: station.kind, level: station.level }, t, random);
      const episode = active("pollution-episode");
      if (episode) {
        const [low, high] = episode.pm25 ?? [165, 230];
        values.pm25 = Math.round((low + random() * (high - low)) * 10) / 10;
        values.pm10 = Math.round((values.pm25 as number) * (1.6 + 0.1 * random()) * 10) / 10;
      }
      const flat = active("flat-line");
      if (flat) {
        stuck ??= values[flat.quantity ?? "pm25"] as number;
        values[flat.quantity ?? "pm25"] = stuck;
      }
      if (active("discharge")) {
        values.do = Math.round((1.6 + random() * 0.6) * 100) / 100;
        values.turbidity = Math.round(95 + random() * 20);
      }
      Object.assign(values, station.lab);
      messages.push({
        timeMs: t,
        device: station.id,
        topic: `ioc/v1/sensors/${station.id}/data`,
        payload: JSON.stringify({ time: new Date(t).toISOString(), values }),
      });
    }
  }
  messages.sort((a, b) => a.timeMs - b.timeMs || a.device.localeCompare(b.device));
  const answerKey = config.events
    .filter((e) => stations.some((s) => s.id === e.station))
    .flatMap((e) => e.rules.map((rule) => ({ rule, subject: e.station, kind: e.kind })));
  return { messages, answerKey };
}
