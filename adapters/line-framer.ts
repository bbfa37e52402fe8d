// Bytes from a serial port or socket → text lines. Line noise is a fact of RS-232/RS-485 links and
// radio receivers: control bytes and invalid UTF-8 are removed (and counted as garbage) rather than
// letting them spoil the line, and for NMEA anything before the sentence's start character is cut,
// so a sentence glued to noise still reaches the decoder (whose checksum is the real judge).
// A line longer than maxLineBytes is dropped whole, with its first bytes kept for the log.

export interface FramerEvents {
  line(text: string): void;
  /** overlong: the line was dropped; garbage: bytes were removed from a line that was kept (or was all noise). */
  problem(kind: "overlong" | "garbage", excerpt: Buffer): void;
}

const LF = 0x0a;
const NMEA_START = /[!$\\]/;

export class LineFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly events: FramerEvents,
    /** For NMEA: text before the first `!`, `$` or `\` (tag block) is noise. */
    private readonly nmea = false,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const lf = chunk.indexOf(LF, start);
      const end = lf === -1 ? chunk.length : lf;
      const piece = chunk.subarray(start, end);
      if (this.discarding) {
        // Inside an overlong line: skip to its end.
      } else if (this.pendingBytes + piece.length > this.maxLineBytes) {
        const excerpt = Buffer.concat([...this.pending, piece]).subarray(0, 64);
        this.events.problem("overlong", excerpt);
        this.pending = [];
        this.pendingBytes = 0;
        this.discarding = true;
      } else if (piece.length > 0) {
        this.pending.push(piece);
        this.pendingBytes += piece.length;
      }
      if (lf === -1) return;
      if (!this.discarding) this.emit(this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending));
      this.pending = [];
      this.pendingBytes = 0;
      this.discarding = false;
      start = lf + 1;
    }
  }

  /** The bytes of an unfinished line, dropped when the connection ends (a torn last line). */
  reset(): number {
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
    return bytes;
  }

  private emit(raw: Buffer): void {
    let text = raw.toString("utf8");
    let noisy = text.includes("\uFFFD");
    // Keep printable text and tabs; drop CR, NUL and other control bytes, and U+FFFD from bad UTF-8.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control bytes is the point
    const cleaned = text.replace(/[\u0000-\u0008\u000A-\u001F\u007F\uFFFD]/g, "");
    if (cleaned.length !== text.length - (text.endsWith("\r") ? 1 : 0)) noisy = true;
    text = cleaned;
    if (this.nmea) {
      const at = text.search(NMEA_START);
      if (at === -1) {
        if (text.trim().length > 0) noisy = true;
        text = "";
      } else if (at > 0) {
        noisy = true;
        text = text.slice(at);
      }
    }
    if (noisy) this.events.problem("garbage", raw.subarray(0, 64));
    text = text.trim();
    if (text.length > 0) this.events.line(text);
  }
}
