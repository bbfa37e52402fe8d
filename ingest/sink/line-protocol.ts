// Observations → InfluxDB line protocol (DESIGN.md §3), serialised by @influxdata/influxdb-client's
// Point, the library the design names, with millisecond timestamps (writes use precision=ms).
import { Point } from "@influxdata/influxdb-client";
import type { Observation } from "../observation.js";

/** Timestamps given in ms are written as they are (writes use precision=ms). */
export const msTime = { convertTime: (value: string | number | Date | undefined) => (value === undefined ? undefined : String(value)) };

/** The spool frames points by newline, so a string field never carries one. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, " ");

function optionalFloat(point: Point, name: string, value: number | undefined): void {
  if (value !== undefined) point.floatField(name, value);
}

function optionalString(point: Point, name: string, value: string | undefined): void {
  if (value !== undefined && value !== "") point.stringField(name, oneLine(value));
}

export function toLineProtocol(observation: Observation): string {
  let point: Point;
  switch (observation.type) {
    case "sensor_reading":
      point = new Point("env_reading").tag("station", observation.station).tag("kind", observation.kind).tag("source", observation.source);
      for (const name in observation.values) point.floatField(name, observation.values[name] as number);
      break;
    case "vessel_position":
      point = new Point("vessel_position")
        .tag("vessel", observation.vessel)
        .tag("source", observation.source)
        .floatField("lat", observation.lat)
        .floatField("lon", observation.lon);
      if (observation.mmsi !== undefined) point.tag("mmsi", String(observation.mmsi));
      optionalFloat(point, "sog", observation.sogKn);
      optionalFloat(point, "cog", observation.cogDeg);
      optionalFloat(point, "heading", observation.headingDeg);
      optionalFloat(point, "nav_status", observation.navStatus);
      optionalString(point, "receiver", observation.receiver);
      optionalFloat(point, "battery", observation.batteryV);
      optionalString(point, "power", observation.power);
      if (observation.alarms && observation.alarms.length > 0) point.stringField("alarms", observation.alarms.join(","));
      break;
    case "vessel_static":
      point = new Point("vessel_static").tag("vessel", observation.vessel).tag("mmsi", String(observation.mmsi));
      optionalString(point, "name", observation.name);
      optionalString(point, "callsign", observation.callsign);
      optionalFloat(point, "ship_type", observation.shipType);
      optionalFloat(point, "imo", observation.imo);
      optionalFloat(point, "length", observation.lengthM);
      optionalFloat(point, "beam", observation.beamM);
      optionalString(point, "destination", observation.destination);
      break;
  }
  const line = point.timestamp(Math.round(observation.timeMs)).toLineProtocol(msTime);
  if (line === undefined) throw new Error(`a ${observation.type} observation with no fields cannot be stored`);
  return line;
}

/** Timestamp (ms) of a line written by toLineProtocol, for logs and dead letters. */
export function lineTimestamp(line: string): number | undefined {
  const value = Number(line.slice(line.lastIndexOf(" ") + 1));
  return Number.isFinite(value) ? value : undefined;
}
