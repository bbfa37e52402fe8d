// Real MQTT 3.1.1 clients (the `mqtt` package) for the end-to-end tests.
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Credentials } from "./devices.js";

export async function connectDevice(url: string, credentials: Credentials | undefined, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(credentials && { username: credentials.username, password: credentials.password }),
    ...options,
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

/** Collects messages on a topic filter until `count` arrived or the timeout passes. */
export function collect(client: MqttClient, filter: string): { messages: { topic: string; payload: Buffer }[]; waitFor(count: number, timeoutMs?: number): Promise<void> } {
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
