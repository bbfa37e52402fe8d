// Observations → InfluxDB line protocol (DESIGN.md §3), serialised by @influxdata/influxdb-client's
// Point, the library the design names, with millisecond timestamps (writes use precision=ms).
import { Point } from "@influxdata/influxdb-client";
import type { Observation } from "../observation.js";

const msTime = { convertTime: (value: string | number | Date | undefined) => (value === undefined ? undefined : String(value)) };

export function toLineProtocol(observation: Observation): string {
  const point = new Point("env_reading")
    .tag("station", observation.station)
    .tag("kind", observation.kind)
    .tag("source", observation.source)
    .timestamp(Math.round(observation.timeMs));
  for (const name in observation.values) point.floatField(name, observation.values[name] as number);
  return point.toLineProtocol(msTime) as string;
}

/** Timestamp (ms) of a line written by toLineProtocol, for logs and dead letters. */
export function lineTimestamp(line: string): number | undefined {
  const value = Number(line.slice(line.lastIndexOf(" ") + 1));
  return Number.isFinite(value) ? value : undefined;
}
