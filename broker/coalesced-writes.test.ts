import { type AddressInfo, type Socket, createServer, connect } from "node:net";
import { Duplex } from "node:stream";
import { setImmediate as nextTurn } from "node:timers/promises";
import mqttPacket from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import { coalesceWrites } from "./coalesced-writes.js";

/** A loopback TCP pair: `sender` (coalesced) and what the other end has received so far. */
async function socketPair(): Promise<{ sender: Socket; received: () => Buffer; ended: Promise<void>; syscalls: () => number }> {
  const chunks: Buffer[] = [];
  let endedResolve: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (endedResolve = resolve));
  const server = createServer((peer) => {
    peer.on("data", (chunk: Buffer) => chunks.push(chunk));
    peer.on("end", () => endedResolve());
    peer.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const sender = connect((server.address() as AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => sender.once("connect", resolve));
  sender.once("close", () => server.close());
  cleanups.push(() => sender.destroy());
  // Every call of these two reaches the kernel as one write or writev.
  let syscalls = 0;
  const internals = sender as unknown as Record<"_write" | "_writev", (...args: unknown[]) => void>;
  for (const name of ["_write", "_writev"] as const) {
    const original = internals[name].bind(sender);
    internals[name] = (...args: unknown[]) => {
      syscalls++;
      original(...args);
    };
  }
  coalesceWrites(sender);
  return { sender, received: () => Buffer.concat(chunks), ended, syscalls: () => syscalls };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const puback = (messageId: number) => ({ cmd: "puback" as const, messageId });
const publish = (i: number) => ({
  cmd: "publish" as const,
  topic: `ioc/v1/sensors/st-${i}/data`,
  payload: Buffer.from(`{"values":{"pm25":${i}}}`),
  qos: 1 as const,
  messageId: i + 1,
  retain: false,
  dup: false,
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("coalesceWrites", () => {
  it("sends the packets of one turn in one write, in order", async () => {
    const { sender, received, syscalls } = await socketPair();
    const expected: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      // As aedes sends: each packet from its own setImmediate callback (one turn's check phase),
      // through mqtt-packet, which corks and uncorks (on the next tick) around each packet.
      setImmediate(() => mqttPacket.writeToStream(i % 2 ? puback(i) : publish(i), sender));
      expected.push(mqttPacket.generate(i % 2 ? puback(i) : publish(i)));
    }
    const want = Buffer.concat(expected);
    await until(() => received().length >= want.length);
    expect(received().equals(want)).toBe(true);
    expect(syscalls()).toBe(1);
  });

  it("gathers the turn's fields itself: no cork for mqtt-packet (each undone by a process.nextTick), nothing in the stream until the flush", async () => {
    const { sender, received, syscalls } = await socketPair();
    for (let i = 0; i < 50; i++) mqttPacket.writeToStream(puback(i), sender);
    expect(sender.writableCorked).toBe(0);
    expect(sender.writableLength).toBe(0);
    await until(() => received().length === 50 * 4);
    expect(syscalls()).toBe(1);
  });

  it("writes a string field (a topic) in UTF-8 and keeps writes with a callback in order", async () => {
    const { sender, received } = await socketPair();
    const written = new Promise((resolve) => {
      sender.write("trạm-", undefined);
      sender.write(Buffer.from("ổn/"));
      sender.write("data", resolve);
      sender.write("!");
    });
    await written;
    await until(() => received().length === Buffer.byteLength("trạm-ổn/data!"));
    expect(received().toString("utf8")).toBe("trạm-ổn/data!");
  });

  it("brings the 'drain' it owes when the stream emptied before the flush took the gathered bytes", async () => {
    // A stream whose writes complete when the test says: 10 KiB are in it, not yet written out.
    const held: (() => void)[] = [];
    const stream = new Duplex({
      highWaterMark: 16 * 1024,
      read() {},
      write(_chunk, _encoding, callback) {
        held.push(callback);
      },
    });
    coalesceWrites(stream);
    expect(stream.write(Buffer.alloc(10 * 1024))).toBe(true);
    await nextTurn();
    expect(stream.writableLength).toBe(10 * 1024);
    // 7 KiB more would pass the mark: the writer is told to wait for 'drain'...
    expect(stream.write(Buffer.alloc(7 * 1024))).toBe(false);
    const drained = new Promise((resolve) => stream.once("drain", resolve));
    // ...the first 10 KiB go out meanwhile (no 'drain' from Node: they never filled the stream)...
    for (const callback of held.splice(0)) callback();
    // ...and the flush's 7 KiB fit: the 'drain' comes from the gatherer.
    await drained;
  });

  it("flushes every turn by itself: writes of later turns are not held back", async () => {
    const { sender, received, syscalls } = await socketPair();
    let bytes = 0;
    for (let turn = 1; turn <= 5; turn++) {
      for (let i = 0; i < 10; i++) {
        const packet = puback(turn * 100 + i);
        bytes += mqttPacket.generate(packet).length;
        setImmediate(() => mqttPacket.writeToStream(packet, sender));
      }
      // Nothing else is written: the turn's packets must still arrive.
      await until(() => received().length === bytes);
      expect(syscalls()).toBe(turn);
      await nextTurn();
    }
  });

  it("delivers what was written before end() in the same turn, and the end", async () => {
    const { sender, received, ended } = await socketPair();
    for (let i = 0; i < 20; i++) mqttPacket.writeToStream(puback(i), sender);
    sender.end();
    await ended;
    expect(received().length).toBe(20 * 4);
    await nextTurn(); // the scheduled flush after end() must not throw
  });

  it("is harmless when the connection is destroyed with writes pending", async () => {
    const { sender } = await socketPair();
    for (let i = 0; i < 20; i++) mqttPacket.writeToStream(puback(i), sender);
    sender.destroy();
    await nextTurn();
    await nextTurn();
    expect(sender.destroyed).toBe(true);
  });

  it("keeps back-pressure: a full buffer says so, and 'drain' follows the flush", async () => {
    const { sender, received } = await socketPair();
    const big = Buffer.alloc(64 * 1024, 0x61);
    const accepted = sender.write(big);
    expect(accepted).toBe(false);
    await new Promise((resolve) => sender.once("drain", resolve));
    await until(() => received().length === big.length);
  });
});
