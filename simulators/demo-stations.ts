// The demo's air and water stations (ids of the sites in shared/corpus/geo/air-water-stations.geojson)
// and a plausible reading for each at a given time: a diurnal cycle with rush-hour peaks for air,
// a semi-diurnal tide in salinity and a daily oxygen cycle for water. The full scenario simulators
// (hue-air, hue-water, hue-coast) replace this with the vessel-feeds and simulator work.
import { gaussian } from "./seeded-random.js";

export interface DemoStation {
  id: string;
  kind: "air" | "water";
  /** Scales the pollution or salinity level of the site. */
  level: number;
}

export const demoStations: DemoStation[] = [
  { id: "aq-donre-hue", kind: "air", level: 1 },
  { id: "aq-national-hue", kind: "air", level: 0.9 },
  { id: "aq-chan-may", kind: "air", level: 1.3 },
  { id: "wq-huong-river-city", kind: "water", level: 0.05 },
  { id: "wq-tamgiang-lagoon", kind: "water", level: 0.5 },
  { id: "wq-cauhai-lagoon", kind: "water", level: 0.6 },
  { id: "wq-thuan-an-coastal", kind: "water", level: 1 },
];

const HOUR = 3_600_000;
const TIDE_PERIOD_H = 12.42; // M2 semi-diurnal tide
const round = (v: number, digits = 1) => Number(v.toFixed(digits));

/** Local (Asia/Ho_Chi_Minh, UTC+7, no DST) hour of day. */
function localHour(timeMs: number): number {
  return ((((timeMs + 7 * HOUR) % (24 * HOUR)) + 24 * HOUR) % (24 * HOUR)) / HOUR;
}

export function demoReading(station: DemoStation, timeMs: number, random: () => number): Record<string, number> {
  const h = localHour(timeMs);
  if (station.kind === "air") {
    const rush = Math.exp(-((h - 7.5) ** 2) / 2) + 0.8 * Math.exp(-((h - 17.5) ** 2) / 2);
    const night = 0.3 * Math.exp(-((h - 23) ** 2) / 6);
    const pm25 = Math.max(3, station.level * (18 + 30 * rush + 15 * night) + 3 * gaussian(random));
    return {
      pm25: round(pm25),
      pm10: round(pm25 * (1.6 + 0.1 * random())),
      no2: round(Math.max(2, station.level * (15 + 35 * rush) + 4 * gaussian(random))),
      so2: round(Math.max(1, station.level * 8 + 2 * gaussian(random))),
      co: round(Math.max(100, station.level * (600 + 900 * rush) + 80 * gaussian(random)), 0),
      o3: round(Math.max(5, 25 + 60 * Math.max(0, Math.sin(((h - 8) / 12) * Math.PI)) + 6 * gaussian(random))),
      temperature: round(23 + 6 * Math.sin(((h - 9) / 24) * 2 * Math.PI) + 0.3 * gaussian(random)),
      humidity: round(Math.min(100, 82 - 12 * Math.sin(((h - 9) / 24) * 2 * Math.PI) + 2 * gaussian(random))),
    };
  }
  const tide = Math.sin((timeMs / HOUR / TIDE_PERIOD_H) * 2 * Math.PI);
  const salinity = Math.max(0.05, station.level * (18 + 10 * tide) + 0.4 * gaussian(random));
  return {
    ph: round(7.3 + 0.25 * Math.sin(((h - 14) / 24) * 2 * Math.PI) + 0.05 * gaussian(random), 2),
    do: round(Math.max(0.5, 6.4 + 1.2 * Math.sin(((h - 15) / 24) * 2 * Math.PI) + 0.15 * gaussian(random)), 2),
    turbidity: round(Math.max(1, 12 + 4 * gaussian(random))),
    salinity: round(salinity, 2),
    conductivity: round(salinity * 1700 + 120, 0),
    temperature: round(27 + 1.5 * Math.sin(((h - 15) / 24) * 2 * Math.PI) + 0.1 * gaussian(random)),
  };
}
