// A VMS transceiver's (or any GNSS unit's) NMEA 0183 output on a serial port: RMC sentences give
// the vessel's position. The adapter's subject is the transceiver's VMS device id, which the
// identity stage joins to the registered vessel like a VMS report. Other sentences a GNSS unit
// prints every second (GGA, GSA, GSV, VTG, …) carry nothing RMC lacks and are skipped by design.
import { isUtf8 } from "node:buffer";
import type { Observation, VesselPosition } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import type { Decoder } from "./decoder.js";

function checksumOk(sentence: string): boolean {
  const star = sentence.lastIndexOf("*");
  if (star === -1 || star + 3 !== sentence.length) return false;
  let sum = 0;
  for (let i = 1; i < star; i++) sum ^= sentence.charCodeAt(i);
  return sum === Number.parseInt(sentence.slice(star + 1), 16);
}

/** ddmm.mmmm / dddmm.mmmm with a hemisphere letter → signed degrees. */
function coordinate(value: string, hemisphere: string, degreeDigits: number): number {
  if (!/^\d+(\.\d+)?$/.test(value) || value.indexOf(".") !== (value.includes(".") ? degreeDigits + 2 : -1)) return Number.NaN;
  const minutes = Number(value.slice(degreeDigits));
  if (minutes >= 60) return Number.NaN;
  const degrees = Number(value.slice(0, degreeDigits)) + minutes / 60;
  if (hemisphere === "N" || hemisphere === "E") return degrees;
  if (hemisphere === "S" || hemisphere === "W") return -degrees;
  return Number.NaN;
}

function fixTime(hhmmss: string, ddmmyy: string): number {
  const t = /^(\d{2})(\d{2})(\d{2})(\.\d+)?$/.exec(hhmmss);
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(ddmmyy);
  if (!t || !d) return Number.NaN;
  const [hh, mm, ss] = [Number(t[1]), Number(t[2]), Number(t[3])];
  const [day, month, yy] = [Number(d[1]), Number(d[2]), Number(d[3])];
  if (hh > 23 || mm > 59 || ss > 60 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  // Two-digit years: NMEA 0183 has no century; GNSS units of this era mean 20yy.
  return Date.UTC(2000 + yy, month - 1, day, hh, mm, ss, Math.round(Number(t[4] ?? 0) * 1000));
}

type RmcFix = { timeMs: number; lat: number; lon: number; sogKn?: number; cogDeg?: number };

/** One checksummed RMC sentence → a fix, or why it cannot be used. */
function parseRmc(line: string): RmcFix | string {
  if (!checksumOk(line)) return "RMC checksum missing or wrong";
  const f = line.slice(0, line.lastIndexOf("*")).split(",");
  if (f.length < 10) return `RMC has ${f.length} fields; at least 10 are needed`;
  if (f[2] !== "A") return `RMC status "${f[2]}": the receiver has no valid fix`;
  const lat = coordinate(f[3] as string, f[4] as string, 2);
  const lon = coordinate(f[5] as string, f[6] as string, 3);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return `RMC position "${f.slice(3, 7).join(",")}" cannot be read`;
  const timeMs = fixTime(f[1] as string, f[9] as string);
  if (!Number.isFinite(timeMs)) return `RMC time "${f[1]}" / date "${f[9]}" cannot be read`;
  const fix: RmcFix = { timeMs, lat, lon };
  if (f[7] !== "" && Number.isFinite(Number(f[7]))) fix.sogKn = Number(f[7]);
  if (f[8] !== "" && Number.isFinite(Number(f[8]))) fix.cogDeg = Number(f[8]) % 360;
  return fix;
}

export const nmeaRmcDecoder: Decoder = {
  name: "nmea-rmc",
  decode(envelope) {
    if (!isUtf8(envelope.bytes)) return { observations: [], rejections: [reject("payload_not_utf8", "the lines are not valid UTF-8")] };
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    const lines = envelope.bytes.toString("utf8").split(/\r?\n/);
    lines.forEach((raw, index) => {
      const line = raw.trim();
      if (!/^\$[A-Z]{2}RMC,/.test(line)) return;
      const fix = parseRmc(line);
      if (typeof fix === "string") {
        rejections.push(reject("nmea_sentence_invalid", fix, { path: `/line/${index + 1}` }));
        return;
      }
      const position: VesselPosition = {
        type: "vessel_position",
        vessel: envelope.subjectId,
        vmsDeviceId: envelope.subjectId,
        source: "vms",
        timeMs: fix.timeMs,
        lat: fix.lat,
        lon: fix.lon,
      };
      if (envelope.deviceId !== envelope.subjectId) position.receiver = envelope.deviceId;
      if (fix.sogKn !== undefined) position.sogKn = fix.sogKn;
      if (fix.cogDeg !== undefined) position.cogDeg = fix.cogDeg;
      observations.push(position);
    });
    return { observations, rejections };
  },
};
