import { Point } from "@influxdata/influxdb-client";
import { describe, expect, it } from "vitest";
import type { Observation } from "../observation.js";
import { lineTimestamp, msTime, toLineProtocol } from "./line-protocol.js";

describe("toLineProtocol", () => {
  it("writes env_reading with station, kind and source tags, float fields and a ms timestamp", () => {
    const line = toLineProtocol({
      type: "sensor_reading",
      station: "hue-air-01",
      kind: "air",
      source: "mqtt",
      timeMs: 1795392000123,
      values: { pm25: 38, temperature: 24.5 },
    });
    expect(line).toBe("env_reading,kind=air,source=mqtt,station=hue-air-01 pm25=38,temperature=24.5 1795392000123");
    expect(lineTimestamp(line)).toBe(1795392000123);
  });

  it("escapes tag values", () => {
    const line = toLineProtocol({
      type: "sensor_reading",
      station: "a b,c=d",
      kind: "water",
      source: "serial",
      timeMs: 1,
      values: { ph: 7 },
    });
    expect(line).toBe("env_reading,kind=water,source=serial,station=a\\ b\\,c\\=d ph=7 1");
  });

  // The lines are built from a cached series key and a fields-only Point: each must be exactly the
  // line one Point with every tag and field would give.
  const observations: Observation[] = [
    {
      type: "sensor_reading",
      station: "hue-air-01",
      kind: "air",
      source: "mqtt",
      timeMs: 1795392000123,
      values: { pm25: 38, temperature: 24.5 },
    },
    { type: "sensor_reading", station: "hue-air-01", kind: "air", source: "serial", timeMs: 1795392000124, values: { no2: 0.5 } },
    { type: "sensor_reading", station: "a b,c=d", kind: "water", source: "mqtt", timeMs: 2, values: { ph: 7, do: 6.25 } },
    { type: "sensor_reading", station: "hue-air-01", kind: "air", source: "mqtt", timeMs: 1795392000125, values: { pm10: 1e-7 } },
    {
      type: "vessel_position",
      vessel: "vn-tth-90123-ts",
      source: "ais",
      mmsi: 574001234,
      timeMs: 3,
      lat: 16.5,
      lon: 107.6,
      sogKn: 7.2,
      cogDeg: 181.5,
      headingDeg: 180,
      navStatus: 7,
      receiver: 'hue coast, "1"\r\nnorth',
    },
    {
      type: "vessel_position",
      vessel: "vn-tth-90123-ts",
      source: "vms",
      timeMs: 4,
      lat: 16.51,
      lon: 107.61,
      batteryV: 12.4,
      power: "battery",
      alarms: ["sos", "geofence"],
    },
    {
      type: "vessel_position",
      vessel: "unregistered:ais:574009999",
      source: "ais",
      mmsi: 574009999,
      timeMs: 5,
      lat: -0.5,
      lon: 179.999999,
    },
  ];

  it.each(observations.map((o, i) => [i, o] as const))("observation %i is serialised as by a single Point", (_, observation) => {
    let point: Point;
    if (observation.type === "sensor_reading") {
      point = new Point("env_reading").tag("station", observation.station).tag("kind", observation.kind).tag("source", observation.source);
      for (const [name, value] of Object.entries(observation.values)) point.floatField(name, value);
    } else if (observation.type === "vessel_position") {
      point = new Point("vessel_position")
        .tag("vessel", observation.vessel)
        .tag("source", observation.source)
        .floatField("lat", observation.lat)
        .floatField("lon", observation.lon);
      if (observation.mmsi !== undefined) point.tag("mmsi", String(observation.mmsi));
      if (observation.sogKn !== undefined) point.floatField("sog", observation.sogKn);
      if (observation.cogDeg !== undefined) point.floatField("cog", observation.cogDeg);
      if (observation.headingDeg !== undefined) point.floatField("heading", observation.headingDeg);
      if (observation.navStatus !== undefined) point.floatField("nav_status", observation.navStatus);
      if (observation.receiver !== undefined) point.stringField("receiver", observation.receiver.replace(/[\r\n]+/g, " "));
      if (observation.batteryV !== undefined) point.floatField("battery", observation.batteryV);
      if (observation.power !== undefined) point.stringField("power", observation.power);
      if (observation.alarms) point.stringField("alarms", observation.alarms.join(","));
    } else throw new Error("not in this table");
    expect(toLineProtocol(observation)).toBe(point.timestamp(observation.timeMs).toLineProtocol(msTime));
  });

  it("refuses an observation without fields", () => {
    expect(() => toLineProtocol({ type: "sensor_reading", station: "s", kind: "air", source: "mqtt", timeMs: 1, values: {} })).toThrow(
      /no fields/,
    );
  });
});
