// NAF (North Atlantic Format) position records: //SR//CODE/value//…//ER// (shared/notes/naf.md).
// Field order is free; values never contain "/"; the fix time is DA + TI in UTC; LT/LG (decimal
// degrees) is preferred to LA/LO (degrees and minutes) when both are there.
import type { NafErrorReason } from "./naf-errors.js";

export interface NafPosition {
  type: string;
  /** Registration number (XR), else the flag State's internal reference (IR), else the call sign (RC) or IMO (IM). */
  vessel: string;
  vmsDeviceId?: string;
  name?: string;
  callsign?: string;
  timeMs: number;
  lat: number;
  lon: number;
  speedKn?: number;
  courseDeg?: number;
  fields: Record<string, string>;
}

export type NafResult = { ok: true; position: NafPosition } | { ok: false; reason: NafErrorReason; message: string };

const POSITION_TYPES = new Set(["POS", "MAN", "ENT", "EXI"]);
const fail = (reason: NafErrorReason, message: string): NafResult => ({ ok: false, reason, message });

/** Splits text holding one or more records (one per line, or run together) into records. */
export function splitRecords(text: string): string[] {
  const starts: number[] = [];
  for (let i = text.indexOf("//SR//"); i >= 0; i = text.indexOf("//SR//", i + 6)) starts.push(i);
  if (starts.length === 0) return text.trim() ? [text.trim()] : [];
  const head = text.slice(0, starts[0]).trim();
  const records = starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length).trim());
  return head ? [head, ...records] : records;
}

function decimalDegrees(value: string, max: number): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) return undefined;
  const n = Number(value);
  return Math.abs(n) <= max ? n : undefined;
}

/** LA: N/S + DDMM; LO: E/W + DDDMM (whole minutes). */
function degreesMinutes(value: string, axis: "lat" | "lon"): number | undefined {
  const match = axis === "lat" ? /^([NS])(\d{2})(\d{2})$/.exec(value) : /^([EW])(\d{3})(\d{2})$/.exec(value);
  if (!match) return undefined;
  const degrees = Number(match[2]);
  const minutes = Number(match[3]);
  if (minutes > 59 || degrees > (axis === "lat" ? 90 : 180)) return undefined;
  const v = degrees + minutes / 60;
  return match[1] === "S" || match[1] === "W" ? -v : v;
}

function fixTime(da: string | undefined, ti: string | undefined): number | undefined {
  if (!da || !ti || !/^\d{1,4}$/.test(ti)) return undefined;
  let date = da;
  if (/^\d{6}$/.test(date)) date = `20${date}`; // YYMMDD, seen in Panama and Seychelles feeds
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  if (!m) return undefined;
  const time = ti.padStart(4, "0");
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(time.slice(0, 2)), Number(time.slice(2))];
  if (hour > 23 || minute > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(ms);
  // Date.UTC rolls 31 April over to 1 May: not a calendar date.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms;
}

export function parseNafRecord(record: string): NafResult {
  if (!record.startsWith("//SR//")) return fail("naf_framing", "the record does not start with //SR//");
  const end = record.search(/\/\/ER(\/\/)?\s*$/);
  if (end < 0) return fail("naf_framing", "the record does not end with //ER//");
  const fields: Record<string, string> = {};
  for (const field of record.slice(6, end).split("//")) {
    if (field === "") continue;
    const slash = field.indexOf("/");
    if (slash <= 0) return fail("naf_field_syntax", `field "${field.slice(0, 20)}" is not CODE/value`);
    const code = field.slice(0, slash);
    const value = field.slice(slash + 1).trim();
    if (value === "") continue; // empty values are skipped, as MonitorFish does
    if (value.includes("/")) return fail("naf_field_syntax", `field ${code} holds a "/" (a missing // between fields?)`);
    if (code in fields && fields[code] !== value) return fail("naf_field_duplicate", `${code} is both "${fields[code]}" and "${value}"`);
    fields[code] = value;
  }
  const type = fields.TM;
  if (!type || !POSITION_TYPES.has(type)) return fail("naf_type_unsupported", `TM/${type ?? ""} is not a position report`);
  const vessel = fields.XR ?? fields.IR ?? fields.RC ?? fields.IM ?? fields.ID;
  if (!vessel) return fail("naf_identity_missing", "none of XR, IR, RC, IM or ID");

  let lat: number | undefined;
  let lon: number | undefined;
  if (fields.LT !== undefined || fields.LG !== undefined) {
    lat = fields.LT !== undefined ? decimalDegrees(fields.LT, 90) : undefined;
    lon = fields.LG !== undefined ? decimalDegrees(fields.LG, 180) : undefined;
    if (lat === undefined || lon === undefined) return fail("naf_position_invalid", `LT/${fields.LT ?? ""} LG/${fields.LG ?? ""}`);
  }
  if (fields.LA !== undefined || fields.LO !== undefined) {
    const la = fields.LA !== undefined ? degreesMinutes(fields.LA, "lat") : undefined;
    const lo = fields.LO !== undefined ? degreesMinutes(fields.LO, "lon") : undefined;
    if (la === undefined || lo === undefined) return fail("naf_position_invalid", `LA/${fields.LA ?? ""} LO/${fields.LO ?? ""}`);
    if (lat !== undefined && lon !== undefined && (Math.abs(la - lat) > 1 / 60 || Math.abs(lo - lon) > 1 / 60)) {
      return fail("naf_position_invalid", "LA/LO and LT/LG disagree by more than 1′");
    }
    lat ??= la;
    lon ??= lo;
  }
  if (lat === undefined || lon === undefined) return fail("naf_position_invalid", "no LT/LG or LA/LO");

  const timeMs = fixTime(fields.DA, fields.TI);
  if (timeMs === undefined) return fail("naf_time_invalid", `DA/${fields.DA ?? ""} TI/${fields.TI ?? ""}`);

  const position: NafPosition = { type, vessel, timeMs, lat, lon, fields };
  if (fields.ID) position.vmsDeviceId = fields.ID;
  if (fields.NA) position.name = fields.NA;
  if (fields.RC) position.callsign = fields.RC;
  if (fields.SP !== undefined) {
    if (!/^\d{1,4}$/.test(fields.SP)) return fail("naf_speed_invalid", `SP/${fields.SP} (tenths of a knot)`);
    position.speedKn = Number(fields.SP) / 10;
  }
  if (fields.CO !== undefined) {
    const course = Number(fields.CO);
    if (!/^\d{1,3}(\.\d+)?$/.test(fields.CO) || course > 360) return fail("naf_course_invalid", `CO/${fields.CO}`);
    position.courseDeg = course % 360;
  }
  return { ok: true, position };
}
