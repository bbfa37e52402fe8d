// AIS payload armouring (ITU-R M.1371-5 annex 8 / IEC 61162-1): each payload character carries six
// bits; fill bits at the end of the last character are not part of the message.

/** Six-bit value of an armoured character, or -1 when the character is not valid armouring. */
export function armourValue(code: number): number {
  if (code >= 48 && code <= 87) return code - 48; // '0'..'W'
  if (code >= 96 && code <= 119) return code - 56; // '`'..'w'
  return -1;
}

/** The 6-bit character set of AIS text fields (ITU-R M.1371-5 table 47). */
const SIXBIT_ASCII = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

export class SixBitPayload {
  private constructor(
    private readonly symbols: Uint8Array,
    /** Message length in bits. */
    readonly bitLength: number,
  ) {}

  /** Decodes armoured payload text; undefined when a character is not valid armouring. */
  static fromArmoured(payload: string, fillBits: number): SixBitPayload | undefined {
    const symbols = new Uint8Array(payload.length);
    for (let i = 0; i < payload.length; i++) {
      const v = armourValue(payload.charCodeAt(i));
      if (v < 0) return undefined;
      symbols[i] = v;
    }
    // Fill bits are not message bits: cleared, so that reads past the end see zeros.
    if (payload.length > 0 && fillBits > 0)
      symbols[payload.length - 1] = (symbols[payload.length - 1] as number) & ~((1 << Math.min(fillBits, 6)) - 1);
    return new SixBitPayload(symbols, Math.max(0, payload.length * 6 - fillBits));
  }

  /** Unsigned integer of `length` bits (≤ 32) from bit `start`; bits past the end read as 0. Reads whole symbols at a time. */
  uint(start: number, length: number): number {
    let value = 0;
    let pos = start;
    let remaining = length;
    const symbols = this.symbols;
    while (remaining > 0) {
      const index = (pos / 6) | 0;
      const offset = pos - index * 6;
      const take = Math.min(remaining, 6 - offset);
      const symbol = index < symbols.length ? (symbols[index] as number) : 0;
      value = value * (1 << take) + ((symbol >> (6 - offset - take)) & ((1 << take) - 1));
      pos += take;
      remaining -= take;
    }
    return value;
  }

  /** Two's-complement signed integer of `length` bits from bit `start`. */
  int(start: number, length: number): number {
    const value = this.uint(start, length);
    return value >= 2 ** (length - 1) ? value - 2 ** length : value;
  }

  /** `count` six-bit characters from bit `start`, cut at the first '@', trailing spaces and '@' removed. */
  text(start: number, count: number): string {
    let out = "";
    for (let i = 0; i < count; i++) {
      if (start + 6 * i + 6 > this.bitLength + 5) break;
      const c = SIXBIT_ASCII[this.uint(start + 6 * i, 6)] as string;
      if (c === "@") break;
      out += c;
    }
    return out.replace(/[ @]+$/, "");
  }

  /** The characters from bit `start` to the end of the message. */
  textToEnd(start: number): string {
    return this.bitLength > start ? this.text(start, Math.floor((this.bitLength - start) / 6)) : "";
  }
}
