// AIS messages (ITU-R M.1371-5 annex 8) decoded into gpsd's AIS JSON field names and scaling
// (gpsd's AIVDM documentation), so that the output can be compared field by field with
// `gpsdecode -j`. Length checks follow gpsd 3.22, which is the reference the corpus was made with.
import type { SixBitPayload } from "./six-bit.js";

export type AisFields = Record<string, string | number | boolean>;

export type AisDecodeResult =
  | { ok: true; message: AisFields; part24?: "A" | "B" }
  | { ok: false; reason: "message_too_short" | "message_length_invalid" | "message_type_unsupported"; message: string };

/** Navigation status texts as gpsd prints them (ITU-R M.1371-5 table 46). */
export const NAV_STATUS = [
  "Under way using engine",
  "At anchor",
  "Not under command",
  "Restricted manoeuverability",
  "Constrained by her draught",
  "Moored",
  "Aground",
  "Engaged in fishing",
  "Under way sailing",
  "Reserved for HSC",
  "Reserved for WIG",
  "Reserved",
  "Reserved",
  "Reserved",
  "Reserved",
  "Not defined",
];

const EPFD = [
  "Undefined",
  "GPS",
  "GLONASS",
  "Combined GPS/GLONASS",
  "Loran-C",
  "Chayka",
  "Integrated navigation system",
  "Surveyed",
  "Galileo",
];
const epfdText = (v: number) => EPFD[v] ?? "INVALID EPFD";

/** Minimum and maximum message lengths in bits, as gpsd 3.22 checks them. */
const LENGTHS: Record<number, [number, number]> = {
  1: [163, Number.POSITIVE_INFINITY],
  2: [163, Number.POSITIVE_INFINITY],
  3: [163, Number.POSITIVE_INFINITY],
  4: [168, Number.POSITIVE_INFINITY],
  5: [420, Number.POSITIVE_INFINITY],
  6: [88, 1008],
  7: [72, 168],
  8: [56, 1008],
  9: [168, Number.POSITIVE_INFINITY],
  10: [72, Number.POSITIVE_INFINITY],
  11: [168, Number.POSITIVE_INFINITY],
  12: [72, 1008],
  13: [72, 168],
  14: [40, 960],
  15: [88, 168],
  16: [96, 168],
  17: [80, 816],
  18: [168, Number.POSITIVE_INFINITY],
  19: [312, Number.POSITIVE_INFINITY],
  20: [72, 186],
  21: [272, 368],
  22: [168, Number.POSITIVE_INFINITY],
  23: [160, Number.POSITIVE_INFINITY],
  24: [160, Number.POSITIVE_INFINITY],
  25: [40, 168],
  26: [60, 1004],
  27: [96, 168],
};

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Rate of turn as gpsd prints it: degrees/min from ROT_AIS = 4.733 √ROT (M.1371-5 table 45), or a word. */
export function turnValue(raw: number): number | string {
  if (raw === -128) return "nan";
  if (raw === 127) return "fastright";
  if (raw === -127) return "fastleft";
  const magnitude = Math.round((raw / 4.733) ** 2);
  return raw < 0 ? -magnitude : magnitude;
}

// The decoders below fill one object in place, in gpsd's field order (spreading many small objects
// per message cost more than the bit extraction itself).

function setLonLat(p: SixBitPayload, m: AisFields, lonAt: number, latAt: number): void {
  m.lon = p.int(lonAt, 28) / 600000;
  m.lat = p.int(latAt, 27) / 600000;
}

function setDimensions(p: SixBitPayload, m: AisFields, at: number): void {
  m.to_bow = p.uint(at, 9);
  m.to_stern = p.uint(at + 9, 9);
  m.to_port = p.uint(at + 18, 6);
  m.to_starboard = p.uint(at + 24, 6);
}

function setEpfd(m: AisFields, epfd: number): void {
  m.epfd = epfd;
  m.epfd_text = epfdText(epfd);
}

function positionReport(p: SixBitPayload, m: AisFields): void {
  const status = p.uint(38, 4);
  m.status = status;
  m.status_text = NAV_STATUS[status] as string;
  m.turn = turnValue(p.int(42, 8));
  m.speed = p.uint(50, 10) / 10;
  m.accuracy = p.uint(60, 1) === 1;
  setLonLat(p, m, 61, 89);
  m.course = p.uint(116, 12) / 10;
  m.heading = p.uint(128, 9);
  m.second = p.uint(137, 6);
  m.maneuver = p.uint(143, 2);
  m.raim = p.uint(148, 1) === 1;
  m.radio = p.uint(149, 19);
}

function baseStation(p: SixBitPayload, m: AisFields): void {
  m.timestamp = `${pad(p.uint(38, 14), 4)}-${pad(p.uint(52, 4))}-${pad(p.uint(56, 5))}T${pad(p.uint(61, 5))}:${pad(p.uint(66, 6))}:${pad(p.uint(72, 6))}Z`;
  m.accuracy = p.uint(78, 1) === 1;
  setLonLat(p, m, 79, 107);
  setEpfd(m, p.uint(134, 4));
  m.raim = p.uint(148, 1) === 1;
  m.radio = p.uint(149, 19);
}

function staticVoyage(p: SixBitPayload, m: AisFields): void {
  m.imo = p.uint(40, 30);
  m.ais_version = p.uint(38, 2);
  m.callsign = p.text(70, 7);
  m.shipname = p.text(112, 20);
  m.shiptype = p.uint(232, 8);
  setDimensions(p, m, 240);
  setEpfd(m, p.uint(270, 4));
  m.eta = `${pad(p.uint(274, 4))}-${pad(p.uint(278, 5))}T${pad(p.uint(283, 5))}:${pad(p.uint(288, 6))}Z`;
  m.draught = p.uint(294, 8) / 10;
  m.destination = p.text(302, 20);
  if (p.bitLength >= 423) m.dte = p.uint(422, 1);
}

function classBPosition(p: SixBitPayload, m: AisFields): void {
  m.reserved = p.uint(38, 8);
  m.speed = p.uint(46, 10) / 10;
  m.accuracy = p.uint(56, 1) === 1;
  setLonLat(p, m, 57, 85);
  m.course = p.uint(112, 12) / 10;
  m.heading = p.uint(124, 9);
  m.second = p.uint(133, 6);
}

/** Fills the type's fields into `m`; false for a type that is not an AIS message type. */
function decodeByType(type: number, p: SixBitPayload, m: AisFields): boolean {
  switch (type) {
    case 1:
    case 2:
    case 3:
      positionReport(p, m);
      return true;
    case 4:
    case 11:
      baseStation(p, m);
      return true;
    case 5:
      staticVoyage(p, m);
      return true;
    case 6:
      m.seqno = p.uint(38, 2);
      m.dest_mmsi = p.uint(40, 30);
      m.retransmit = p.uint(70, 1) === 1;
      m.dac = p.uint(72, 10);
      m.fid = p.uint(82, 6);
      return true;
    case 7:
    case 13:
      for (let i = 0; i < 4 && 40 + 32 * i + 30 <= p.bitLength; i++) m[`mmsi${i + 1}`] = p.uint(40 + 32 * i, 30);
      return true;
    case 8:
      m.dac = p.uint(40, 10);
      m.fid = p.uint(50, 6);
      return true;
    case 9:
      m.alt = p.uint(38, 12);
      m.speed = p.uint(50, 10);
      m.accuracy = p.uint(60, 1) === 1;
      setLonLat(p, m, 61, 89);
      m.course = p.uint(116, 12) / 10;
      m.second = p.uint(128, 6);
      m.regional = p.uint(134, 8);
      m.dte = p.uint(142, 1);
      m.assigned = p.uint(146, 1) === 1;
      m.raim = p.uint(147, 1) === 1;
      m.radio = p.uint(148, 20);
      return true;
    case 10:
      m.dest_mmsi = p.uint(40, 30);
      return true;
    case 12:
      m.seqno = p.uint(38, 2);
      m.dest_mmsi = p.uint(40, 30);
      m.retransmit = p.uint(70, 1) === 1;
      m.text = p.textToEnd(72);
      return true;
    case 14:
      m.text = p.textToEnd(40);
      return true;
    case 18:
      classBPosition(p, m);
      m.regional = p.uint(139, 2);
      m.cs = p.uint(141, 1) === 1;
      m.display = p.uint(142, 1) === 1;
      m.dsc = p.uint(143, 1) === 1;
      m.band = p.uint(144, 1) === 1;
      m.msg22 = p.uint(145, 1) === 1;
      m.assigned = p.uint(146, 1) === 1;
      m.raim = p.uint(147, 1) === 1;
      m.radio = p.uint(148, 20);
      return true;
    case 19:
      classBPosition(p, m);
      m.regional = p.uint(139, 4);
      m.shipname = p.text(143, 20);
      m.shiptype = p.uint(263, 8);
      setDimensions(p, m, 271);
      setEpfd(m, p.uint(301, 4));
      m.raim = p.uint(305, 1) === 1;
      m.dte = p.uint(306, 1);
      m.assigned = p.uint(307, 1) === 1;
      return true;
    case 21: {
      let name = p.text(43, 20);
      // The name extension (bits 272…) continues a name that fills all 20 characters.
      if (name.length === 20 && p.bitLength > 272) name = (name + p.textToEnd(272)).replace(/[ @]+$/, "");
      m.aid_type = p.uint(38, 5);
      m.name = name;
      setLonLat(p, m, 164, 192);
      m.accuracy = p.uint(163, 1) === 1;
      setDimensions(p, m, 219);
      setEpfd(m, p.uint(249, 4));
      m.second = p.uint(253, 6);
      m.regional = p.uint(260, 8);
      m.off_position = p.uint(259, 1) === 1;
      m.raim = p.uint(268, 1) === 1;
      m.virtual_aid = p.uint(269, 1) === 1;
      m.assigned = p.uint(270, 1) === 1;
      return true;
    }
    case 27:
      // gpsd 3.22 prints the status of a type 27 report as its text.
      m.status = NAV_STATUS[p.uint(40, 4)] as string;
      m.accuracy = p.uint(38, 1) === 1;
      m.lon = p.int(44, 18) / 600;
      m.lat = p.int(62, 17) / 600;
      m.speed = p.uint(79, 6);
      m.course = p.uint(85, 9);
      m.raim = p.uint(39, 1) === 1;
      m.gnss = p.uint(94, 1) === 1;
      return true;
    case 15:
    case 16:
    case 17:
    case 20:
    case 22:
    case 23:
    case 25:
    case 26:
      // Recognised but not decoded further.
      return true;
    default:
      return false;
  }
}

/** Decodes one complete AIS message (all fragments joined). */
export function decodeMessage(p: SixBitPayload): AisDecodeResult {
  const type = p.uint(0, 6);
  const header: AisFields = { type, repeat: p.uint(6, 2), mmsi: p.uint(8, 30) };
  const limits = LENGTHS[type];
  if (!limits) return { ok: false, reason: "message_type_unsupported", message: `message type ${type} is not an AIS message type` };
  if (p.bitLength < limits[0])
    return { ok: false, reason: "message_too_short", message: `type ${type} needs ${limits[0]} bits, got ${p.bitLength}` };
  if (p.bitLength > limits[1])
    return { ok: false, reason: "message_length_invalid", message: `type ${type} has at most ${limits[1]} bits, got ${p.bitLength}` };
  if (type === 27 && p.bitLength !== 96 && p.bitLength !== 168) {
    return { ok: false, reason: "message_length_invalid", message: `type 27 is 96 bits, got ${p.bitLength}` };
  }
  if (type === 24) {
    const part = p.uint(38, 2);
    if (part === 0) {
      if (p.bitLength > 168)
        return { ok: false, reason: "message_length_invalid", message: `type 24 part A has at most 168 bits, got ${p.bitLength}` };
      return { ok: true, part24: "A", message: { ...header, shipname: p.text(40, 20) } };
    }
    if (part === 1) {
      if (p.bitLength < 168)
        return { ok: false, reason: "message_too_short", message: `type 24 part B needs 168 bits, got ${p.bitLength}` };
      const fields: AisFields = {
        ...header,
        shiptype: p.uint(40, 8),
        vendorid: p.text(48, 7),
        model: p.uint(66, 4),
        serial: p.uint(70, 20),
        callsign: p.text(90, 7),
      };
      // Auxiliary craft (MMSI 98XXXYYYY) report their mother ship instead of dimensions (M.1371-5 table 76).
      if (Math.floor(p.uint(8, 30) / 10_000_000) === 98) fields.mothership_mmsi = p.uint(132, 30);
      else setDimensions(p, fields, 132);
      return { ok: true, part24: "B", message: fields };
    }
    return { ok: false, reason: "message_length_invalid", message: `type 24 part number ${part} is not A or B` };
  }
  if (type === 25 || type === 26) {
    const addressed = p.uint(38, 1);
    const structured = p.uint(39, 1);
    const needed = 40 + 16 * structured + 30 * addressed + (type === 26 ? 20 : 0);
    if (p.bitLength < needed) return { ok: false, reason: "message_too_short", message: `type ${type} too short for its mode` };
  }
  const message: AisFields = header;
  decodeByType(type, p, message);
  return { ok: true, message };
}
