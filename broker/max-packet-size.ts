// A cap on MQTT packet size. aedes' parser (mqtt-packet) buffers whatever Remaining Length a client
// announces; this stops the parse as soon as the announced length is over the cap, before the body
// is buffered, and closes the connection (MQTT 3.1.1 has no way to refuse a single packet).
import type { Client } from "aedes";

interface PacketParser {
  packet: { length: number; cmd?: string };
  _parseLength(): boolean;
  _emitError(error: Error): void;
}

export function enforceMaxPacketSize(client: Client, maxBytes: number, onTooLarge: (length: number) => void): void {
  const parser = (client as unknown as { _parser?: PacketParser })._parser;
  if (!parser || typeof parser._parseLength !== "function") {
    throw new Error("aedes client has no mqtt-packet parser to limit (aedes internals changed?)");
  }
  const parseLength = parser._parseLength;
  parser._parseLength = function limitedParseLength(this: PacketParser): boolean {
    const complete = parseLength.call(this);
    if (complete && this.packet.length > maxBytes) {
      onTooLarge(this.packet.length);
      this._emitError(new Error(`packet of ${this.packet.length} bytes is over the ${maxBytes}-byte limit`));
      return false;
    }
    return complete;
  };
}
