// One write system call per connection per event-loop turn, instead of one per MQTT packet.
// mqtt-packet corks the stream for each packet and uncorks it on the next tick, and aedes sends each
// delivery from its own setImmediate callback, after which Node runs the tick queue: so every
// packet (a PUBLISH to a subscriber, a PUBACK to a device) became its own writev — 206,000 for
// 200,000 messages in the fan-in benchmark, a quarter of bare aedes's CPU. Corking the connection
// on its first write of a turn and uncorking it once, in the check phase, sends them together.
// mqtt-packet's own cork is then redundant, and its uncork costs a process.nextTick per packet (a
// tick object and a turn of the tick queue: 3 % of the hub's event loop in the fan-in), so the
// stream hides `cork` from it: mqtt-packet corks only `if (stream.cork)`.
import type { Duplex } from "node:stream";
import { setImmediate } from "node:timers";

/** Makes `stream` buffer its writes until the end of the current event-loop turn. */
export function coalesceWrites(stream: Duplex): void {
  let corked = false;
  const cork = stream.cork;
  Object.defineProperty(stream, "cork", { value: undefined, writable: true, configurable: true });
  const flush = () => {
    corked = false;
    // end() and destroy() have already flushed or discarded what was corked.
    if (stream.writableCorked > 0) stream.uncork();
  };
  const write = stream.write;
  stream.write = function coalescedWrite(this: Duplex, ...args: Parameters<Duplex["write"]>): boolean {
    if (!corked && !stream.writableEnded && !stream.destroyed) {
      corked = true;
      cork.call(stream);
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Duplex["write"];
}
