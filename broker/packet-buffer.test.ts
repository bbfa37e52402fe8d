// The PacketBuffer against the `bl` BufferList it stands in for: the same answers to the same calls
// over random chunkings, and mqtt-packet's parser emitting the same packets (and errors) through
// either, however the stream is cut.
import mqttPacket from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../simulators/seeded-random.js";
import { PacketBuffer } from "./packet-buffer.js";

/** The BufferList class mqtt-packet's parser uses (bl), taken from a parser: the reference, whatever its version. */
const BufferList = ((mqttPacket.parser() as unknown as { _list: object })._list as { constructor: new () => PacketBuffer }).constructor;

type Answer = { ok: unknown } | { threw: string };
const answer = (f: () => unknown): Answer => {
  try {
    const value = f();
    return { ok: Buffer.isBuffer(value) ? `buffer:${value.toString("hex")}` : value };
  } catch (error) {
    return { threw: (error as Error).constructor.name };
  }
};

describe("PacketBuffer", () => {
  it("answers every call the parser makes as bl does, over 20,000 random operations", () => {
    const random = seededRandom(7);
    const int = (n: number) => Math.floor(random() * n);
    for (let round = 0; round < 200; round++) {
      const reference = new BufferList();
      const ours = new PacketBuffer();
      for (let step = 0; step < 100; step++) {
        const length = reference.length;
        // As the parser reads: from a position forward, now and then past the end (bl's slice of a
        // start past its end returns bytes from elsewhere; the parser never asks for one).
        const offset = int(length + 3);
        const end = offset + int(length + 3 - offset);
        const op = int(8);
        const consumed = int(length + 3);
        const both = (f: (list: PacketBuffer) => unknown) => {
          const expected = answer(() => f(reference));
          expect(
            answer(() => f(ours)),
            `round ${round} step ${step} op ${op} offset ${offset} end ${end} length ${length}`,
          ).toEqual(expected);
        };
        if (op === 0) {
          const chunk = Buffer.from(Array.from({ length: int(40) }, () => int(256)));
          reference.append(chunk);
          ours.append(chunk);
        } else if (op === 1) both((list) => list.consume(consumed).length);
        else if (op === 2) both((list) => list.readUInt8(offset));
        else if (op === 3) both((list) => list.readUInt16BE(offset));
        else if (op === 4) both((list) => list.readUInt32BE(offset));
        else if (op === 5) both((list) => list.slice(offset, end));
        else if (op === 6) both((list) => list.toString("utf8", offset, end));
        else both((list) => list.slice());
        expect(ours.length).toBe(reference.length);
      }
    }
  });

  it("lets mqtt-packet's parser emit the same packets and errors however the stream is cut", () => {
    const opts = { protocolVersion: 4 as const };
    const packets: mqttPacket.Packet[] = [
      {
        cmd: "connect",
        protocolId: "MQTT",
        protocolVersion: 4,
        clean: true,
        clientId: "hue-air-01",
        keepalive: 30,
        username: "u",
        password: Buffer.from("p"),
      },
      {
        cmd: "publish",
        topic: "ioc/v1/sensors/hue-air-01/data",
        payload: Buffer.from('{"values":{"pm25":12}}'),
        qos: 1,
        messageId: 7,
        retain: false,
        dup: false,
      },
      { cmd: "publish", topic: "ioc/v1/sensors/trạm-ổn/data", payload: Buffer.alloc(300, 0x61), qos: 0, retain: false, dup: false },
      { cmd: "publish", topic: "t", payload: Buffer.alloc(70_000, 0x62), qos: 1, messageId: 65535, retain: false, dup: false },
      { cmd: "puback", messageId: 9 },
      { cmd: "subscribe", messageId: 3, subscriptions: [{ topic: "ioc/v1/errors/hue-air-01", qos: 1 }] },
      { cmd: "pingreq" },
      { cmd: "disconnect" },
    ] as mqttPacket.Packet[];
    const stream = Buffer.concat(packets.map((p) => mqttPacket.generate(p, opts)));
    const garbage = Buffer.concat([mqttPacket.generate(packets[1] as mqttPacket.Packet, opts), Buffer.from([0x36, 0x00])]); // QoS 3
    const parse = (bytes: Buffer, cuts: number[], packetBuffer: boolean) => {
      // As aedes makes it: no options, the protocol version taken from the CONNECT.
      const parser = mqttPacket.parser(bytes === stream || bytes === garbage ? opts : undefined) as unknown as mqttPacket.Parser & {
        _list: unknown;
        _resetState(): void;
      };
      if (packetBuffer) {
        const reset = parser._resetState;
        parser._resetState = function (this: typeof parser) {
          reset.call(this);
          this._list = new PacketBuffer();
        };
        parser._list = new PacketBuffer();
      }
      const seen: unknown[] = [];
      parser.on("packet", (p) => seen.push(JSON.parse(JSON.stringify(p))));
      parser.on("error", (e) => seen.push({ error: e.message }));
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        parser.parse(bytes.subarray(from, cut));
        from = cut;
      }
      return seen;
    };
    // MQTT 5, which aedes refuses after parsing it: properties read 16- and 32-bit fields.
    const v5 = { protocolVersion: 5 as const };
    const mqtt5 = Buffer.concat([
      mqttPacket.generate(
        {
          cmd: "connect",
          protocolId: "MQTT",
          protocolVersion: 5,
          clean: true,
          clientId: "v5-device",
          keepalive: 60,
          properties: {
            sessionExpiryInterval: 0x12345678,
            receiveMaximum: 513,
            maximumPacketSize: 262_144,
            userProperties: { vendor: "x" },
          },
        } as mqttPacket.Packet,
        v5,
      ),
      mqttPacket.generate(
        {
          cmd: "publish",
          topic: "ioc/v1/sensors/v5-device/data",
          payload: Buffer.from("{}"),
          qos: 1,
          messageId: 2,
          retain: false,
          dup: false,
          properties: { messageExpiryInterval: 0x01020304, contentType: "application/json" },
        } as mqttPacket.Packet,
        v5,
      ),
    ]);
    const expectedCount = new Map([
      [stream, packets.length],
      [garbage, 2],
      [mqtt5, 2],
    ]);
    const random = seededRandom(11);
    for (const bytes of [stream, garbage, mqtt5]) {
      for (let trial = 0; trial < 60; trial++) {
        const cuts = [...new Set(Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * bytes.length)))].sort(
          (a, b) => a - b,
        );
        const expected = parse(bytes, cuts, false);
        expect(parse(bytes, cuts, true)).toEqual(expected);
        expect(expected.length).toBe(expectedCount.get(bytes));
      }
    }
  });
});
