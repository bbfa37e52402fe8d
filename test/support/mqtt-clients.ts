// Real MQTT 3.1.1 clients (the `mqtt` package) for the end-to-end tests.
import { connect as tcpConnect } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import type { Credentials } from "./devices.js";

const clientOptions = (credentials: Credentials | undefined, options: IClientOptions): IClientOptions => ({
  protocolVersion: 4,
  reconnectPeriod: 0,
  connectTimeout: 10_000,
  ...(credentials && { username: credentials.username, password: credentials.password }),
  ...options,
});

export async function connectDevice(url: string, credentials: Credentials | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, clientOptions(credentials, options));
}

/**
 * Connects (typically resuming a persistent session) and resolves with the first message matching
 * `match`, listening from before the CONNACK: a session's queued messages can arrive in the same
 * read as the CONNACK, and the client emits them before code awaiting connectDevice() runs.
 */
export function connectAndReceive(
  url: string,
  credentials: Credentials | undefined,
  options: IClientOptions,
  match: (topic: string, payload: string) => boolean,
  timeoutMs = 15_000,
): Promise<{ client: MqttClient; topic: string; payload: string }> {
  const client = mqtt.connect(url, clientOptions(credentials, options));
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      client.end(true);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error("no matching message within the time limit")), timeoutMs);
    client.on("message", (topic, payload) => {
      if (!match(topic, payload.toString())) return;
      clearTimeout(timer);
      resolve({ client, topic, payload: payload.toString() });
    });
    client.once("error", fail);
  });
}

/** Tries to connect and returns the CONNACK return code (0 = accepted). */
export async function connackCode(url: string, options: IClientOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
    client.once("connect", (packet) => {
      client.end(true);
      resolve(packet.returnCode ?? 0);
    });
    client.once("error", (error: Error & { code?: number }) => {
      client.end(true);
      if (typeof error.code === "number") resolve(error.code);
      else reject(error);
    });
  });
}

/**
 * Sends raw bytes (a hand-made CONNECT) over a socket and returns the CONNACK return code: for
 * packets the mqtt client library refuses to send (e.g. an empty client id with a persistent session).
 */
export async function rawConnackCode(port: number, connect: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1");
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no CONNACK within 10 s"));
    }, 10_000);
    parser.on("packet", (packet) => {
      if (packet.cmd !== "connack") return;
      clearTimeout(timer);
      socket.destroy();
      resolve((packet as mqttPacket.IConnackPacket).returnCode ?? -1);
    });
    socket.on("data", (chunk) => parser.parse(chunk));
    socket.on("error", reject);
    socket.write(connect);
  });
}

/** Subscribes and returns the SUBACK return codes, 0x80 (128) included (the client treats those as errors). */
export async function subackCodes(client: MqttClient, filters: string[], qos: 0 | 1 = 1): Promise<number[]> {
  return new Promise((resolve) => {
    const onPacket = (packet: mqttPacket.Packet) => {
      if (packet.cmd !== "suback") return;
      client.off("packetreceive", onPacket);
      resolve((packet as mqttPacket.ISubackPacket).granted as number[]);
    };
    client.on("packetreceive", onPacket);
    client.subscribe(filters, { qos }, () => undefined);
  });
}

/** Collects messages on a topic filter until `count` arrived or the timeout passes. */
export function collect(
  client: MqttClient,
  filter: string,
): { messages: { topic: string; payload: Buffer }[]; waitFor(count: number, timeoutMs?: number): Promise<void> } {
  const messages: { topic: string; payload: Buffer }[] = [];
  client.on("message", (topic, payload) => {
    if (mqttMatch(filter, topic)) messages.push({ topic, payload });
  });
  return {
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (messages.length < count) throw new Error(`expected ${count} messages on ${filter}, got ${messages.length}`);
    },
  };
}

function mqttMatch(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
