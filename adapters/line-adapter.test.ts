// The adapter's policies with an in-memory source standing in for the port: reconnect with
// backoff, the bounded queue's drop policy for lossy sources and pausing for lossless ones.
// (The real ports — ptys, UDP, TCP — are exercised in test/e2e/adapters.test.ts.)
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Envelope } from "../ingest/envelope.js";
import { withAdapterDefaults, type LineAdapterConfig } from "./adapter-config.js";
import type { ByteSource, ByteSourceHandlers } from "./byte-source.js";
import { LineAdapter } from "./line-adapter.js";

const log = pino({ level: "silent" });
const fast = { firstDelayMs: 5, maxDelayMs: 20, stableMs: 1000 };

class MemorySource implements ByteSource {
  readonly address = "memory";
  readonly datagrams = false;
  handlers: ByteSourceHandlers | undefined;
  failOpens = 0;
  opens = 0;
  paused = false;
  pauses = 0;
  constructor(readonly lossless: boolean) {}
  async open(handlers: ByteSourceHandlers) {
    this.opens++;
    if (this.failOpens-- > 0) throw new Error("ENOENT: no such device");
    this.handlers = handlers;
  }
  async close() {
    this.handlers = undefined;
  }
  pause() {
    this.paused = true;
    this.pauses++;
  }
  resume() {
    this.paused = false;
  }
  write(text: string) {
    this.handlers?.data(Buffer.from(text));
  }
}

class GatedTarget {
  envelopes: Envelope[] = [];
  private release: (() => void) | undefined;
  private gate: Promise<void> | undefined;
  close() {
    this.gate = new Promise((r) => {
      this.release = r;
    });
  }
  open() {
    this.release?.();
    this.gate = undefined;
  }
  async ingest(envelope: Envelope) {
    this.envelopes.push(envelope);
    await this.gate;
  }
  lines() {
    return this.envelopes.flatMap((e) => e.bytes.toString().split("\n"));
  }
}

const config = (extra: Record<string, unknown> = {}) =>
  withAdapterDefaults({ id: "a1", type: "tcp", host: "h", port: 1, format: "ais-nmea", queueLines: 100, ...extra }) as LineAdapterConfig;
const until = async (probe: () => boolean) => {
  for (let i = 0; i < 500 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(probe()).toBe(true);
};

describe("LineAdapter", () => {
  it("retries a port that is not there yet, with backoff, and reports the error", async () => {
    const source = new MemorySource(false);
    source.failOpens = 3;
    const adapter = new LineAdapter(config(), source, new GatedTarget(), log, undefined, fast);
    const states: string[] = [];
    adapter.status.onChange((s) => states.push(s.state));
    adapter.start();
    await until(() => adapter.status.state === "up");
    expect(source.opens).toBe(4);
    expect(adapter.status.lastError).toContain("ENOENT");
    expect(states.filter((s) => s === "down")).toHaveLength(3);
    expect(adapter.status.counters.reconnects).toBe(0); // never up before: not a reconnect
    source.handlers?.end(new Error("EIO"));
    await until(() => adapter.status.counters.reconnects === 1);
    await adapter.stop();
    expect(adapter.status.state).toBe("stopped");
  });

  it("drops (and counts) what a lossy source sends past the queue while ingest is stuck, keeps the rest in order", async () => {
    const source = new MemorySource(false);
    const target = new GatedTarget();
    target.close();
    const adapter = new LineAdapter(config(), source, target, log, undefined, fast);
    adapter.start();
    await until(() => adapter.status.state === "up");
    let text = "";
    for (let i = 0; i < 10_000; i++) text += `!L${i}\n`;
    source.write(text);
    expect(adapter.status.queued).toBeLessThanOrEqual(100);
    target.open();
    await until(() => adapter.status.queued === 0 && target.lines().length + adapter.status.counters.droppedQueueFull === 10_000);
    const delivered = target.lines();
    // The first envelope was taken before the gate closed on it; the queue then filled to its capacity.
    expect(delivered.length).toBeLessThanOrEqual(100 + 500);
    expect(adapter.status.counters.droppedQueueFull).toBe(10_000 - delivered.length);
    expect(delivered).toEqual([...delivered].sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
    // Envelopes never share a millisecond: each starts after the previous one's 1-ms-apart line stamps.
    target.envelopes.slice(1).forEach((e, i) => {
      const previous = target.envelopes[i] as Envelope;
      expect(e.receivedAt).toBeGreaterThanOrEqual(previous.receivedAt + previous.bytes.toString().split("\n").length);
    });
    await adapter.stop();
  });

  it("pauses a lossless source instead of dropping, and resumes it when the queue drains", async () => {
    const source = new MemorySource(true);
    const target = new GatedTarget();
    target.close();
    const adapter = new LineAdapter(config(), source, target, log, undefined, fast);
    adapter.start();
    await until(() => adapter.status.state === "up");
    for (let i = 0; i < 95 && !source.paused; i++) source.write(`!L${i}\n`);
    expect(source.paused).toBe(true);
    target.open();
    await until(() => !source.paused);
    expect(adapter.status.counters.droppedQueueFull).toBe(0);
    await adapter.stop();
  });
});
