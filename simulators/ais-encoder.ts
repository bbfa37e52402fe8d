// AIS NMEA encoding for the simulators (ITU-R M.1371-5, IEC 61162-1): position reports (types 1/3,
// class B type 18), static data (type 5 as a two-sentence message, class B type 24 parts A and B),
// six-bit armouring with fill bits, !AIVDM sentences with checksums and an optional tag block
// (s: receiver, c: Unix time) as shore receivers send them. The decoder in ingest/ and gpsd's
// gpsdecode read the output back to the same fields (see ais-encoder.test.ts).

const SIXBIT_ASCII = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

class BitWriter {
  private readonly bits: number[] = [];

  uint(value: number, length: number): this {
    const v = Math.max(0, Math.floor(value));
    for (let i = length - 1; i >= 0; i--) this.bits.push(Math.floor(v / 2 ** i) % 2);
    return this;
  }

  int(value: number, length: number): this {
    const v = Math.round(value);
    return this.uint(v < 0 ? 2 ** length + v : v, length);
  }

  /** Text in the AIS 6-bit character set, upper-cased, padded with '@'. */
  text(value: string, chars: number): this {
    const upper = value.toUpperCase();
    for (let i = 0; i < chars; i++) {
      const index = i < upper.length ? SIXBIT_ASCII.indexOf(upper[i] as string) : 0;
      this.uint(index < 0 ? SIXBIT_ASCII.indexOf(" ") : index, 6);
    }
    return this;
  }

  get length(): number {
    return this.bits.length;
  }

  /** Armoured payload and the fill bits added to complete the last character. */
  armour(): { payload: string; fillBits: number } {
    const fillBits = (6 - (this.bits.length % 6)) % 6;
    const bits = [...this.bits, ...Array(fillBits).fill(0)];
    let payload = "";
    for (let i = 0; i < bits.length; i += 6) {
      let v = 0;
      for (let k = 0; k < 6; k++) v = v * 2 + (bits[i + k] as number);
      payload += String.fromCharCode(v < 40 ? v + 48 : v + 56);
    }
    return { payload, fillBits };
  }
}

const checksum = (text: string) => {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum ^= text.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, "0");
};

export interface TagBlock {
  receiver?: string;
  unixTimeS?: number;
}

function tagBlock(tag: TagBlock | undefined): string {
  if (!tag) return "";
  const parts = [
    ...(tag.receiver ? [`s:${tag.receiver}`] : []),
    ...(tag.unixTimeS !== undefined ? [`c:${Math.floor(tag.unixTimeS)}`] : []),
  ];
  if (parts.length === 0) return "";
  const body = parts.join(",");
  return `\\${body}*${checksum(body)}\\`;
}

/** !AIVDM sentences for one message: one, or several sharing a sequential message id, at most 60 payload characters each. */
export function sentences(writer: BitWriter, channel: "A" | "B", sequenceId: number, tag?: TagBlock): string[] {
  const { payload, fillBits } = writer.armour();
  const parts: string[] = [];
  for (let i = 0; i < payload.length; i += 60) parts.push(payload.slice(i, i + 60));
  return parts.map((part, i) => {
    const last = i === parts.length - 1;
    const body = `AIVDM,${parts.length},${i + 1},${parts.length > 1 ? sequenceId % 10 : ""},${channel},${part},${last ? fillBits : 0}`;
    return `${i === 0 ? tagBlock(tag) : ""}!${body}*${checksum(body)}`;
  });
}

export interface PositionReport {
  mmsi: number;
  lat: number;
  lon: number;
  /** Knots; undefined: not available. */
  sogKn?: number;
  /** Degrees true; undefined: not available. */
  cogDeg?: number;
  headingDeg?: number;
  /** ITU navigational status (0 under way using engine, 7 engaged in fishing, 5 moored, 15 not defined). */
  navStatus?: number;
  /** UTC second of the fix. */
  second: number;
}

const sog = (kn: number | undefined) => (kn === undefined ? 1023 : Math.min(1022, Math.round(kn * 10)));
const cog = (deg: number | undefined) => (deg === undefined ? 3600 : Math.round((((deg % 360) + 360) % 360) * 10) % 3600);
const heading = (deg: number | undefined) => (deg === undefined ? 511 : Math.round(((deg % 360) + 360) % 360) % 360);
const lonMin = (lon: number) => Math.round(lon * 600_000);
const latMin = (lat: number) => Math.round(lat * 600_000);

/** Class A position report (type 1, or 3 for the assigned-schedule variant). */
export function classAPosition(report: PositionReport, type: 1 | 3 = 1): BitWriter {
  return new BitWriter()
    .uint(type, 6)
    .uint(0, 2)
    .uint(report.mmsi, 30)
    .uint(report.navStatus ?? 15, 4)
    .int(-128, 8) // rate of turn not available
    .uint(sog(report.sogKn), 10)
    .uint(0, 1)
    .int(lonMin(report.lon), 28)
    .int(latMin(report.lat), 27)
    .uint(cog(report.cogDeg), 12)
    .uint(heading(report.headingDeg), 9)
    .uint(report.second % 60, 6)
    .uint(0, 2)
    .uint(0, 3)
    .uint(0, 1)
    .uint(0, 19);
}

/** Class B position report (type 18, carrier-sense unit). */
export function classBPosition(report: PositionReport): BitWriter {
  return new BitWriter()
    .uint(18, 6)
    .uint(0, 2)
    .uint(report.mmsi, 30)
    .uint(0, 8)
    .uint(sog(report.sogKn), 10)
    .uint(0, 1)
    .int(lonMin(report.lon), 28)
    .int(latMin(report.lat), 27)
    .uint(cog(report.cogDeg), 12)
    .uint(heading(report.headingDeg), 9)
    .uint(report.second % 60, 6)
    .uint(0, 2)
    .uint(1, 1) // CS unit
    .uint(0, 1)
    .uint(0, 1)
    .uint(1, 1)
    .uint(0, 1)
    .uint(0, 1)
    .uint(0, 1)
    .uint(0, 20);
}

export interface StaticData {
  mmsi: number;
  name: string;
  callsign: string;
  /** ITU ship type (30 = fishing). */
  shipType: number;
  lengthM: number;
  beamM: number;
  destination?: string;
  imo?: number;
}

/** Dimensions as distances to bow/stern/port/starboard from the GPS antenna (placed at 2/3 aft, mid-beam). */
function dimensions(w: BitWriter, s: StaticData): BitWriter {
  const bow = Math.round((s.lengthM * 2) / 3);
  const side = Math.round(s.beamM / 2);
  return w
    .uint(Math.min(511, bow), 9)
    .uint(Math.min(511, Math.round(s.lengthM) - bow), 9)
    .uint(Math.min(63, side), 6)
    .uint(Math.min(63, Math.round(s.beamM) - side), 6);
}

/** Class A static and voyage data (type 5, 424 bits: two sentences). */
export function classAStatic(s: StaticData): BitWriter {
  const w = new BitWriter()
    .uint(5, 6)
    .uint(0, 2)
    .uint(s.mmsi, 30)
    .uint(0, 2)
    .uint(s.imo ?? 0, 30)
    .text(s.callsign, 7)
    .text(s.name, 20)
    .uint(s.shipType, 8);
  dimensions(w, s);
  return w
    .uint(1, 4) // EPFD: GPS
    .uint(0, 4)
    .uint(0, 5)
    .uint(24, 5)
    .uint(60, 6) // ETA not available
    .uint(Math.round(Math.min(25.5, s.lengthM / 8) * 10), 8)
    .text(s.destination ?? "", 20)
    .uint(0, 1)
    .uint(0, 1);
}

/** Class B static data, part A (name) and part B (type, callsign, dimensions): type 24. */
export function classBStatic(s: StaticData): [BitWriter, BitWriter] {
  const a = new BitWriter().uint(24, 6).uint(0, 2).uint(s.mmsi, 30).uint(0, 2).text(s.name, 20).uint(0, 8);
  const b = new BitWriter()
    .uint(24, 6)
    .uint(0, 2)
    .uint(s.mmsi, 30)
    .uint(1, 2)
    .uint(s.shipType, 8)
    .text("SIM", 3)
    .uint(0, 4)
    .uint(0, 20)
    .text(s.callsign, 7);
  dimensions(b, s).uint(0, 6);
  return [a, b];
}
