// Observations → InfluxDB line protocol (DESIGN.md §3), serialised by @influxdata/influxdb-client's
// Point, the library the design names, with millisecond timestamps (writes use precision=ms).
import { Point } from "@influxdata/influxdb-client";
import type { Observation } from "../observation.js";
import { FieldKeys } from "./field-keys.js";
import { SeriesKeys } from "./series-keys.js";

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

/** Name of the fields-only Point whose line is appended to a cached series key (see series-keys.ts). */
const FIELDS_ONLY = "m";
const seriesKeys = new SeriesKeys();
const fieldKeys = new FieldKeys();

/** A series key and a Point carrying only fields and the timestamp: the line is key + the fields part. */
function joined(key: string, fields: Point, timeMs: number): string {
  const line = fields.timestamp(Math.round(timeMs)).toLineProtocol(msTime);
  if (line === undefined) throw new Error("an observation with no fields cannot be stored");
  return key + line.slice(FIELDS_ONLY.length);
}

/** A sensor series' tags besides the station, unambiguously joined; memoised (a few kinds × sources). */
const sensorRests = new Map<string, Map<string, string>>();
function sensorRest(kind: string, source: string): string {
  let bySource = sensorRests.get(kind);
  if (!bySource) {
    bySource = new Map();
    sensorRests.set(kind, bySource);
  }
  let rest = bySource.get(source);
  if (rest === undefined) {
    rest = `${kind.length}:${kind}${source}`;
    bySource.set(source, rest);
  }
  return rest;
}

export function toLineProtocol(observation: Observation): string {
  switch (observation.type) {
    case "sensor_reading": {
      const { station, kind, source } = observation;
      const rest = sensorRest(kind, source);
      const key =
        seriesKeys.get(station, rest) ??
        seriesKeys.add(station, rest, new Point("env_reading").tag("station", station).tag("kind", kind).tag("source", source));
      const fields = fieldKeys.numberFields(observation.values);
      if (fields === "") throw new Error("an observation with no fields cannot be stored");
      return `${key} ${fields} ${Math.round(observation.timeMs)}`;
    }
    case "vessel_position": {
      const { vessel, source, mmsi } = observation;
      const rest = `${source}${mmsi ?? ""}`;
      let key = seriesKeys.get(vessel, rest);
      if (key === undefined) {
        const tagged = new Point("vessel_position").tag("vessel", vessel).tag("source", source);
        key = seriesKeys.add(vessel, rest, mmsi === undefined ? tagged : tagged.tag("mmsi", String(mmsi)));
      }
      const fields = new Point(FIELDS_ONLY).floatField("lat", observation.lat).floatField("lon", observation.lon);
      optionalFloat(fields, "sog", observation.sogKn);
      optionalFloat(fields, "cog", observation.cogDeg);
      optionalFloat(fields, "heading", observation.headingDeg);
      optionalFloat(fields, "nav_status", observation.navStatus);
      optionalString(fields, "receiver", observation.receiver);
      optionalFloat(fields, "battery", observation.batteryV);
      optionalString(fields, "power", observation.power);
      if (observation.alarms && observation.alarms.length > 0) fields.stringField("alarms", observation.alarms.join(","));
      return joined(key, fields, observation.timeMs);
    }
    case "vessel_static": {
      // Rare (one per vessel every few minutes): a Point of its own.
      const point = new Point("vessel_static").tag("vessel", observation.vessel).tag("mmsi", String(observation.mmsi));
      optionalString(point, "name", observation.name);
      optionalString(point, "callsign", observation.callsign);
      optionalFloat(point, "ship_type", observation.shipType);
      optionalFloat(point, "imo", observation.imo);
      optionalFloat(point, "length", observation.lengthM);
      optionalFloat(point, "beam", observation.beamM);
      optionalString(point, "destination", observation.destination);
      const line = point.timestamp(Math.round(observation.timeMs)).toLineProtocol(msTime);
      if (line === undefined) throw new Error("a vessel_static observation with no fields cannot be stored");
      return line;
    }
  }
}

/** Timestamp (ms) of a line written by toLineProtocol, for logs and dead letters. */
export function lineTimestamp(line: string): number | undefined {
  const value = Number(line.slice(line.lastIndexOf(" ") + 1));
  return Number.isFinite(value) ? value : undefined;
}
