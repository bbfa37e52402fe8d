// The one input type every transport produces (DESIGN.md §1). Nothing after this point knows
// whether bytes came over MQTT, a serial port or a socket, except through `via` as a tag.

export type Via = "mqtt" | "websocket" | "http" | "serial" | "udp" | "tcp" | "file";

export interface Envelope {
  via: Via;
  /** Decoder name (`sensor-json`, `senml`, …), chosen by the transport from the topic or adapter config. */
  format: string;
  /** The authenticated sender: device, integration or adapter id. Rejections are reported to it. */
  deviceId: string;
  /** The sender's registered kind (air, water, vessel, ais-receiver), when it is a device. */
  deviceKind?: string | undefined;
  /** The station, vessel or receiver the payload is about (from the topic or adapter config). */
  subjectId: string;
  /** MQTT topic, when the message came over MQTT. */
  topic?: string;
  /** Serial port or socket address, when it came through an adapter. */
  port?: string;
  /** Format options from the adapter's config (a sensor line layout, a Modbus register map), schema-checked at start-up. */
  options?: unknown;
  /** Hub clock at reception, Unix ms. */
  receivedAt: number;
  bytes: Buffer;
}
