// Two connected in-memory streams: what one side writes the other reads. The hub's own MQTT
// sessions on its embedded broker (the rule-partition consumers) use them instead of a socket, so
// they need no port and no password: the broker knows the stream is its own (stream.duplexPair
// arrives only in Node 22).
import { Duplex } from "node:stream";

export function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
      destroy(error, callback) {
        const peer = other();
        if (!peer.destroyed) peer.destroy();
        callback(error);
      },
    });
  sides.push(
    make(() => sides[1] as Duplex),
    make(() => sides[0] as Duplex),
  );
  return [sides[0] as Duplex, sides[1] as Duplex];
}
