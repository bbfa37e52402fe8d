// One write per connection per event-loop turn, instead of one per MQTT packet — and not one
// Writable write per field either. mqtt-packet writes a packet field by field (a PUBLISH to a
// subscriber is six writes: header, length, topic length, topic, message id, payload; a PUBACK two)
// and aedes sends each delivery from its own setImmediate callback: every packet became its own
// writev (206,000 for 200,000 messages in the fan-in benchmark, a quarter of bare aedes's CPU).
// Corking the stream for the turn sent them together but still paid Node's Writable machinery for
// every field (a buffered-write record each, and a writev of thousands of small chunks): here the
// turn's fields are collected as they are written and go to the stream as one buffer, in the check
// phase, or at once before end(). mqtt-packet's own cork per packet (undone by a process.nextTick
// each) is hidden from it: it corks only `if (stream.cork)`.
import type { Duplex } from "node:stream";
import { setImmediate } from "node:timers";

/** Makes `stream` gather its writes until the end of the current event-loop turn. */
export function coalesceWrites(stream: Duplex): void {
  Object.defineProperty(stream, "cork", { value: undefined, writable: true, configurable: true });
  const write = stream.write;
  const end = stream.end;
  let pending: (Buffer | string)[] = [];
  /** Bytes gathered, counting a string by its length (for back-pressure; the flush measures exactly). */
  let pendingBytes = 0;
  let scheduled = false;
  /** A write was told "buffer full": the caller waits for 'drain', which the flush must then bring. */
  let owesDrain = false;

  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    pendingBytes = 0;
    // destroy() discards what is not written yet, as it did corked writes.
    if (stream.destroyed) return;
    let data: Buffer;
    if (chunks.length === 1 && typeof chunks[0] !== "string") data = chunks[0] as Buffer;
    else {
      let size = 0;
      for (const chunk of chunks) size += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      data = Buffer.allocUnsafe(size);
      let at = 0;
      for (const chunk of chunks) at += typeof chunk === "string" ? data.write(chunk, at) : chunk.copy(data, at);
    }
    const ok = (write as (chunk: Buffer) => boolean).call(stream, data);
    // Told to wait but the stream took it all: Node emits no 'drain' for a write that did not fill it.
    if (owesDrain && ok) process.nextTick(() => stream.emit("drain"));
    owesDrain = false;
  };

  stream.write = function coalescedWrite(this: Duplex, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const plain =
      (Buffer.isBuffer(chunk) || typeof chunk === "string") &&
      (encoding === undefined || encoding === "utf8") &&
      callback === undefined &&
      !stream.writableEnded &&
      !stream.destroyed;
    if (!plain) {
      // A callback to keep, another encoding, a write after end(): in order, through the stream.
      flush();
      return (write as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
    }
    pending.push(chunk as Buffer | string);
    pendingBytes += (chunk as Buffer | string).length;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    const ok = stream.writableLength + pendingBytes < stream.writableHighWaterMark;
    if (!ok) owesDrain = true;
    return ok;
  } as Duplex["write"];

  stream.end = function coalescedEnd(this: Duplex, ...args: unknown[]): Duplex {
    flush();
    return (end as (...a: unknown[]) => Duplex).apply(this, args);
  } as Duplex["end"];
}
