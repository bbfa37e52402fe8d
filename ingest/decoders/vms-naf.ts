// NAF position reports from VMS centres (ioc/v1/vessels/{vesselId}/naf, or POST /api/v1/vms/naf):
// one or more records per message; each bad record is refused on its own.
import { isUtf8 } from "node:buffer";
import type { Observation, VesselPosition } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import type { Decoder } from "./decoder.js";
import { parseNafRecord, splitRecords } from "./naf/naf-record.js";

export const vmsNafDecoder: Decoder = {
  name: "vms-naf",
  decode(envelope, { limits }) {
    if (!isUtf8(envelope.bytes)) return { observations: [], rejections: [reject("payload_not_utf8", "the payload is not valid UTF-8")] };
    const records = splitRecords(envelope.bytes.toString("utf8"));
    if (records.length > limits.maxBatchReadings) {
      return {
        observations: [],
        rejections: [reject("batch_too_large", `${records.length} records in one message; at most ${limits.maxBatchReadings}`)],
      };
    }
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    if (records.length === 0) rejections.push(reject("naf_record_invalid", "naf_framing: no record"));
    records.forEach((record, i) => {
      const result = parseNafRecord(record);
      if (!result.ok) {
        rejections.push(reject("naf_record_invalid", `${result.reason}: ${result.message}`, { path: `/record/${i + 1}` }));
        return;
      }
      const p = result.position;
      const position: VesselPosition = {
        type: "vessel_position",
        vessel: p.vessel,
        source: "vms",
        timeMs: p.timeMs,
        lat: p.lat,
        lon: p.lon,
      };
      if (p.vmsDeviceId) position.vmsDeviceId = p.vmsDeviceId;
      if (p.speedKn !== undefined) position.sogKn = p.speedKn;
      if (p.courseDeg !== undefined) position.cogDeg = p.courseDeg;
      if (envelope.deviceId !== p.vessel) position.receiver = envelope.deviceId;
      observations.push(position);
    });
    return { observations, rejections };
  },
};
