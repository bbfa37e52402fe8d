// The hub's own VMS JSON position report (schemas/vms-position.schema.json), one report or an array.
// The vessel is the topic's id (registration number or VMS device id) unless the report names it;
// the identity stage turns a device id into the registered vessel.
import { elementPrefix, jsonElements } from "../json-batch.js";
import type { Observation, VesselPosition } from "../observation.js";
import type { Rejection } from "../rejection.js";
import { schemaRejection } from "../schema-registry.js";
import type { Decoder } from "./decoder.js";

interface VmsReport {
  vessel?: string;
  deviceId?: string;
  time: string | number;
  lat: number;
  lon: number;
  speedKn?: number;
  courseDeg?: number;
  headingDeg?: number;
  batteryV?: number;
  power?: "main" | "battery";
  alarms?: string[];
}

export const vmsJsonDecoder: Decoder = {
  name: "vms-json",
  schema: "vms-position",
  decode(envelope, { schemas, limits }) {
    const parsed = jsonElements(envelope.bytes, limits, "reports");
    if (!parsed.ok) return { observations: [], rejections: [parsed.rejection] };
    const { batch, elements } = parsed;
    const validate = schemas.validator("vms-position");
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    elements.forEach((element, index) => {
      const prefix = elementPrefix(batch, index);
      if (!validate(element)) {
        rejections.push(schemaRejection(validate.errors, prefix, "vms-position"));
        return;
      }
      const r = element as VmsReport;
      const timeMs = typeof r.time === "number" ? r.time : Date.parse(r.time);
      const position: VesselPosition = {
        type: "vessel_position",
        vessel: r.vessel ?? envelope.subjectId,
        vmsDeviceId: r.deviceId ?? envelope.subjectId,
        source: "vms",
        timeMs,
        lat: r.lat,
        lon: r.lon,
      };
      if (envelope.deviceId !== envelope.subjectId) position.receiver = envelope.deviceId;
      if (r.speedKn !== undefined) position.sogKn = r.speedKn;
      if (r.courseDeg !== undefined) position.cogDeg = r.courseDeg % 360; // 360 is north, as 0
      if (r.headingDeg !== undefined && r.headingDeg < 360) position.headingDeg = r.headingDeg;
      if (r.batteryV !== undefined) position.batteryV = r.batteryV;
      if (r.power !== undefined) position.power = r.power;
      if (r.alarms !== undefined && r.alarms.length > 0) position.alarms = r.alarms;
      observations.push(position);
    });
    return { observations, rejections };
  },
};
