// AIS NMEA from a receiver (ioc/v1/ais/{receiverId}/nmea: one or more lines per message) → vessel
// positions and static reports. Multi-sentence messages may span MQTT messages, so the decoder keeps
// one stream decoder per receiver: the only state a decoder holds, keyed by subject like rule state.
// The observation time is the tag block's `c:` when present (NMEA 4.10), else the time of reception.
// "Not available" values (lat 91, lon 181, speed 102.3, course 360, heading 511) become absent fields.
import { isUtf8 } from "node:buffer";
import type { Observation, VesselPosition, VesselStatic } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import { AisStreamDecoder, type DecodedAis } from "./ais/ais-stream.js";
import type { Decoder } from "./decoder.js";
import { unregisteredAisVessel } from "../vessel-id.js";

const streams = new Map<string, AisStreamDecoder>();
const MAX_RECEIVERS = 10_000;

function streamFor(receiver: string): AisStreamDecoder {
  let stream = streams.get(receiver);
  if (!stream) {
    if (streams.size >= MAX_RECEIVERS) streams.delete(streams.keys().next().value as string);
    stream = new AisStreamDecoder();
    streams.set(receiver, stream);
  }
  return stream;
}

/** AIS messages decoded so far by message type, over every receiver: every type is counted, decoded or not. */
export function aisMessageCounts(): Map<number, number> {
  const totals = new Map<number, number>();
  for (const stream of streams.values()) for (const [type, n] of stream.counts.messages) totals.set(type, (totals.get(type) ?? 0) + n);
  return totals;
}

/** Tag block `c:` is Unix seconds; some receivers send milliseconds. */
function tagTime(unixTime: number | undefined): number | undefined {
  if (unixTime === undefined) return undefined;
  return unixTime > 1e11 ? unixTime : unixTime * 1000;
}

const POSITION_TYPES = new Set([1, 2, 3, 18, 19, 27]);

function toObservations(decoded: DecodedAis, receiver: string, timeMs: number, rejections: Rejection[]): Observation[] {
  const m = decoded.message;
  const mmsi = m.mmsi as number;
  const path = `/line/${decoded.line}`;
  if (!Number.isInteger(mmsi) || mmsi < 100_000_000 || mmsi > 999_999_999) {
    // Base stations (00MIDxxxx) and SAR/AtoN ids are not vessels of this province.
    if (POSITION_TYPES.has(m.type as number) || m.type === 5 || m.type === 24) {
      rejections.push(reject("vessel_id_invalid", `MMSI ${mmsi} is not a 9-digit ship MMSI`, { path }));
    }
    return [];
  }
  const vessel = unregisteredAisVessel(mmsi);
  const out: Observation[] = [];
  if (POSITION_TYPES.has(m.type as number)) {
    const lat = m.lat as number;
    const lon = m.lon as number;
    const latNa = lat === 91;
    const lonNa = lon === 181;
    if (!(latNa || lonNa)) {
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        rejections.push(reject("position_invalid", `position ${lat}, ${lon} is outside the Earth`, { path }));
      } else {
        const position: VesselPosition = { type: "vessel_position", vessel, mmsi, source: "ais", receiver, timeMs, lat, lon };
        const speed = m.speed as number;
        const speedNa = m.type === 27 ? speed === 63 : speed >= 102.3;
        if (!speedNa) position.sogKn = speed;
        const course = m.course as number;
        if (m.type === 27 ? course !== 511 : course < 360) position.cogDeg = course;
        const heading = m.heading as number | undefined;
        if (heading !== undefined && heading < 360) position.headingDeg = heading;
        if (typeof m.status === "number") position.navStatus = m.status;
        out.push(position);
      }
    }
  }
  if (m.type === 5 || m.type === 19 || m.type === 24) {
    const stat: VesselStatic = { type: "vessel_static", vessel, mmsi, timeMs };
    if (m.shipname) stat.name = m.shipname as string;
    if (m.callsign) stat.callsign = m.callsign as string;
    if (typeof m.shiptype === "number" && m.shiptype > 0) stat.shipType = m.shiptype;
    if (typeof m.imo === "number" && m.imo > 0) stat.imo = m.imo;
    if (typeof m.destination === "string" && m.destination) stat.destination = m.destination;
    const length = ((m.to_bow as number) ?? 0) + ((m.to_stern as number) ?? 0);
    const beam = ((m.to_port as number) ?? 0) + ((m.to_starboard as number) ?? 0);
    if (length > 0) stat.lengthM = length;
    if (beam > 0) stat.beamM = beam;
    if (Object.keys(stat).length > 4) out.push(stat);
  }
  return out;
}

export const aisNmeaDecoder: Decoder = {
  name: "ais-nmea",
  decode(envelope) {
    if (!isUtf8(envelope.bytes)) return { observations: [], rejections: [reject("payload_not_utf8", "the payload is not valid UTF-8")] };
    const stream = streamFor(`${envelope.deviceId}/${envelope.subjectId}`);
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    envelope.bytes
      .toString("utf8")
      .split("\n")
      .forEach((line, i) => {
        const result = stream.push(line, i + 1, envelope.receivedAt);
        for (const e of result.errors)
          rejections.push(reject("ais_sentence_invalid", `${e.reason}: ${e.message}`, { path: `/line/${e.line}` }));
        for (const decoded of result.messages) {
          const timeMs = tagTime(decoded.tagBlock?.unixTime) ?? envelope.receivedAt;
          observations.push(...toObservations(decoded, envelope.subjectId, timeMs, rejections));
        }
      });
    return { observations, rejections };
  },
};
