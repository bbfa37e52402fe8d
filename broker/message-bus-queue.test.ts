import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { useDequeForWaitingMessages } from "./message-bus-queue.js";

/** The part of mqemitter's interface this test drives (aedes' `mq`, not in its type declarations). */
interface Bus {
  on(topic: string, listener: (message: { topic: string; n?: unknown }, done: () => void) => void): void;
  emit(message: { topic: string; n: number }, done: () => void): void;
  readonly length: number;
}

describe("useDequeForWaitingMessages", () => {
  it("keeps every message and its order when most of them wait (aedes' bus with concurrency 10)", async () => {
    const broker = await Aedes.createBroker({ concurrency: 10 });
    const mq = (broker as unknown as { mq: Bus }).mq;
    try {
      expect(useDequeForWaitingMessages(mq)).toBe(true);
      const seen: number[] = [];
      // Each delivery completes in a later turn, so 4,990 of the 5,000 wait in the queue.
      mq.on("t/#", (message, done) => {
        seen.push(message.n as number);
        setImmediate(done);
      });
      const emitted = Array.from(
        { length: 5000 },
        (_, n) => new Promise<void>((resolve) => mq.emit({ topic: `t/${n % 7}`, n }, () => resolve())),
      );
      expect(mq.length).toBeGreaterThan(4900);
      await Promise.all(emitted);
      expect(seen).toEqual(Array.from({ length: 5000 }, (_, n) => n));
      expect(mq.length).toBe(0);
    } finally {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    }
  });

  it("is installed on aedes' own bus and leaves other buses alone", async () => {
    const broker = await Aedes.createBroker({ concurrency: 5 });
    try {
      const mq = (broker as unknown as { mq: { _messageQueue: unknown } }).mq;
      expect(Array.isArray(mq._messageQueue)).toBe(true);
      expect(useDequeForWaitingMessages(mq)).toBe(true);
      expect(Array.isArray(mq._messageQueue)).toBe(false);
      const delivered: string[] = [];
      broker.subscribe(
        "s/+",
        (packet, done) => {
          delivered.push(String(packet.payload));
          setImmediate(done);
        },
        () => undefined,
      );
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all(
        Array.from(
          { length: 200 },
          (_, i) =>
            new Promise<void>((resolve) =>
              broker.publish(
                { cmd: "publish", topic: `s/${i % 3}`, payload: Buffer.from(String(i)), qos: 0, retain: false, dup: false },
                () => resolve(),
              ),
            ),
        ),
      );
      expect(delivered).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    } finally {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    }
    expect(useDequeForWaitingMessages({})).toBe(false);
    expect(useDequeForWaitingMessages({ _messageQueue: [1], _messageCallbacks: [() => undefined] })).toBe(false);
  });
});
