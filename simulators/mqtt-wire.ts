// MQTT 3.1.1 packets byte by byte (§2–3), for the load generator and for tests that must send what
// client libraries refuse to (an empty client id with a persistent session). A client library costs
// more CPU per message than the brokers being measured; this keeps the load generator cheap.

function utf8(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const out = Buffer.allocUnsafe(b.length + 2);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

/** Remaining Length, variable byte integer (§2.2.3). */
function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

function frame(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);
}

export function connectPacket(options: {
  clientId: string;
  clean: boolean;
  username?: string;
  password?: string;
  keepaliveS?: number;
}): Buffer {
  const flags = (options.username !== undefined ? 0x80 : 0) | (options.password !== undefined ? 0x40 : 0) | (options.clean ? 0x02 : 0);
  const keepalive = options.keepaliveS ?? 60;
  return frame(
    0x10,
    Buffer.concat([
      utf8("MQTT"),
      Buffer.from([4, flags, keepalive >> 8, keepalive & 0xff]),
      utf8(options.clientId),
      ...(options.username !== undefined ? [utf8(options.username)] : []),
      ...(options.password !== undefined ? [utf8(options.password)] : []),
    ]),
  );
}

export function publishPacket(topic: string, payload: Buffer, qos: 0 | 1, messageId = 0): Buffer {
  const id = qos > 0 ? Buffer.from([messageId >> 8, messageId & 0xff]) : Buffer.alloc(0);
  return frame(0x30 | (qos << 1), Buffer.concat([utf8(topic), id, payload]));
}

export function subscribePacket(filter: string, qos: 0 | 1, messageId: number): Buffer {
  return frame(0x82, Buffer.concat([Buffer.from([messageId >> 8, messageId & 0xff]), utf8(filter), Buffer.from([qos])]));
}

export function pubackPacket(messageId: number): Buffer {
  return Buffer.from([0x40, 0x02, messageId >> 8, messageId & 0xff]);
}

export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export interface Frame {
  /** Packet type (§2.2.1): 1 CONNECT … 14 DISCONNECT. */
  type: number;
  flags: number;
  body: Buffer;
}

/** Splits a byte stream into MQTT packets. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      if (this.buffer.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      let complete = false;
      for (; i < this.buffer.length && i < offset + 5; i++) {
        const byte = this.buffer[i] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete || this.buffer.length - i < length) break;
      const first = this.buffer[offset] as number;
      onFrame({ type: first >> 4, flags: first & 0x0f, body: this.buffer.subarray(i, i + length) });
      offset = i + length;
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }
}

/** Message id of a QoS > 0 PUBLISH body (after the topic, §3.3.2.2). */
export function publishMessageId(body: Buffer): number {
  const topicLength = body.readUInt16BE(0);
  return body.readUInt16BE(2 + topicLength);
}
