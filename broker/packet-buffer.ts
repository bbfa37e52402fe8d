// The bytes an MQTT connection has received and not yet parsed, for aedes' parser (mqtt-packet).
// mqtt-packet keeps them in a `bl` BufferList, which answers every one-byte read with a new Buffer
// view (and an offset array), and every consume() with another: ~6 allocations per packet, a tenth of
// the broker's main thread in the fan-in (`subarray`, `FastBuffer`, bl's `copy`). This list answers
// the same calls — the ones the parser makes, with bl's results and errors — from an offset into the
// chunks it holds, allocating only the payload's view.
import type { Client } from "aedes";

export class PacketBuffer {
  /** Bytes not yet consumed. */
  length = 0;
  private readonly chunks: Buffer[] = [];
  /** Bytes of the first chunk already consumed. */
  private head = 0;

  append(chunk: Buffer): this {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
    return this;
  }

  consume(bytes: number): this {
    let left = Math.trunc(bytes);
    if (Number.isNaN(left) || left <= 0) return this;
    while (this.chunks.length > 0) {
      const available = (this.chunks[0] as Buffer).length - this.head;
      if (left < available) {
        this.head += left;
        this.length -= left;
        break;
      }
      left -= available;
      this.length -= available;
      this.chunks.shift();
      this.head = 0;
    }
    return this;
  }

  readUInt8(offset = 0): number {
    if (!(offset >= 0 && offset < this.length)) throw new RangeError(`offset ${offset} is outside the ${this.length} bytes buffered`);
    let at = offset + this.head;
    for (const chunk of this.chunks) {
      if (at < chunk.length) return chunk[at] as number;
      at -= chunk.length;
    }
    throw new RangeError(`offset ${offset} is outside the ${this.length} bytes buffered`);
  }

  readUInt16BE(offset = 0): number {
    return (this.readUInt8(offset) << 8) | this.readUInt8(offset + 1);
  }

  readUInt32BE(offset = 0): number {
    return (
      this.readUInt8(offset) * 0x1000000 +
      ((this.readUInt8(offset + 1) << 16) | (this.readUInt8(offset + 2) << 8) | this.readUInt8(offset + 3))
    );
  }

  /** The bytes from `start` to `end` (bl's bounds: negative counts from the end, clamped to what there is). */
  slice(start?: number, end?: number): Buffer {
    const [from, to] = this.bounds(start, end);
    if (from >= to) return Buffer.alloc(0);
    const within = this.locate(from);
    // Most packets lie in one chunk: a view, as bl gives.
    if (within && to - from <= within.chunk.length - within.at) return within.chunk.subarray(within.at, within.at + (to - from));
    const out = Buffer.allocUnsafe(to - from);
    let written = 0;
    let skip = from + this.head;
    for (const chunk of this.chunks) {
      if (written === out.length) break;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      written += chunk.copy(out, written, skip, Math.min(chunk.length, skip + (out.length - written)));
      skip = 0;
    }
    return out;
  }

  toString(encoding?: BufferEncoding, start?: number, end?: number): string {
    const [from, to] = this.bounds(start, end);
    if (from >= to) return "";
    const within = this.locate(from);
    if (within && to - from <= within.chunk.length - within.at) return within.chunk.toString(encoding, within.at, within.at + (to - from));
    return this.slice(from, to).toString(encoding);
  }

  private bounds(start: number | undefined, end: number | undefined): [number, number] {
    let from = typeof start === "number" ? (start < 0 ? start + this.length : start) : 0;
    let to = typeof end === "number" ? (end < 0 ? end + this.length : end) : this.length;
    if (from < 0) from = 0;
    if (to > this.length) to = this.length;
    return [from, to];
  }

  /** The chunk holding byte `offset` and where in it. */
  private locate(offset: number): { chunk: Buffer; at: number } | undefined {
    let at = offset + this.head;
    for (const chunk of this.chunks) {
      if (at < chunk.length) return { chunk, at };
      at -= chunk.length;
    }
    return undefined;
  }
}

interface ParserInternals {
  _list: unknown;
  _resetState(): void;
}

/** Gives an aedes client's parser a PacketBuffer instead of bl, now and after each reset (an error). */
export function usePacketBuffer(client: Client): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser;
  if (!parser || typeof parser._resetState !== "function" || parser._list === undefined) {
    throw new Error("aedes client has no mqtt-packet parser with a buffer list (aedes internals changed?)");
  }
  const reset = parser._resetState;
  parser._resetState = function resetWithPacketBuffer(this: ParserInternals): void {
    reset.call(this);
    this._list = new PacketBuffer();
  };
  parser._list = new PacketBuffer();
}
