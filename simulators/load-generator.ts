// A bounded MQTT load generator for the benchmark: N publisher connections (and optionally one
// subscriber) on raw sockets, a fixed number of messages each, QoS 0 or 1 with a window of
// in-flight messages, optionally paced to a total rate. Loopback only; it stops by itself at the
// message count or the timeout. Prints one JSON result line.
import { connect, type Socket } from "node:net";
import { parseArgs } from "node:util";
import { FrameReader, connectPacket, publishMessageId, publishPacket, pubackPacket, subscribePacket } from "./mqtt-wire.js";

export interface LoadResult {
  publishers: number;
  published: number;
  acked: number;
  received: number;
  expectedReceived: number;
  /** Wall clock of the first publish, Unix ms (connections and their authentication come before). */
  startedAtEpochMs: number;
  /** From the first publish to the last PUBACK (QoS 1) or last write (QoS 0). */
  publishMs: number;
  /** From the first publish to the last message the subscriber got. */
  receiveMs: number;
  timedOut: boolean;
}

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    publishers: { type: "string", default: "100" },
    messages: { type: "string", default: "1000" },
    qos: { type: "string", default: "1" },
    window: { type: "string", default: "32" },
    credentials: { type: "string" },
    "topic-prefix": { type: "string", default: "ioc/v1/sensors/" },
    "topic-suffix": { type: "string" },
    payload: { type: "string", default: "reading64" },
    "base-time": { type: "string" },
    subscribe: { type: "string" },
    "sub-username": { type: "string" },
    "sub-password": { type: "string" },
    rate: { type: "string", default: "0" },
    "timeout-s": { type: "string", default: "120" },
  },
});

if (!["127.0.0.1", "::1", "localhost"].includes(values.host)) throw new Error("the load generator only targets loopback");
const port = Number(values.port);
const publishers = Number(values.publishers);
const perPublisher = Number(values.messages);
const qos = Number(values.qos) as 0 | 1;
const window = Number(values.window);
const baseTime = Number(values["base-time"] ?? Date.now() - 3_600_000);
const totalRate = Number(values.rate);
const credentials: { username: string; password: string }[] = values.credentials ? JSON.parse(values.credentials) : [];
const packSize = values.payload.startsWith("senml:") ? Number(values.payload.slice(6)) : 0;
const topicSuffix = values["topic-suffix"] ?? (packSize > 0 ? "/senml" : "/data");

function payloadFor(deviceId: string, seq: number): Buffer {
  if (packSize > 0) {
    const t0 = (baseTime + seq * packSize) / 1000;
    const records = [`{"bn":"${deviceId}:","bt":${t0},"bu":"ug/m3","n":"pm25","v":${(seq % 500) + 0.5}}`];
    for (let k = 1; k < packSize; k++) records.push(`{"n":"pm25","t":${k / 1000},"v":${((seq + k) % 500) + 0.5}}`);
    return Buffer.from(`[${records.join(",")}]`);
  }
  const text = `{"time":${baseTime + seq},"values":{"pm25":${(seq % 500) + 0.5},"temperature":${20 + (seq % 100) / 10}}}`;
  return Buffer.from(text.padEnd(64, " "));
}

function open(clientId: string, username?: string, password?: string): Promise<{ socket: Socket; reader: FrameReader }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: values.host, port, noDelay: true });
    const reader = new FrameReader();
    const onData = (chunk: Buffer) =>
      reader.push(chunk, (frame) => {
        if (frame.type !== 2) return;
        socket.off("data", onData);
        const code = frame.body[1];
        if (code === 0) resolve({ socket, reader });
        else reject(new Error(`CONNACK ${code} for ${clientId}`));
      });
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(connectPacket({ clientId, clean: true, username, password }));
  });
}

const started = { at: 0, epochMs: 0 };
let published = 0;
let acked = 0;
let received = 0;
let lastAckAt = 0;
let lastWriteAt = 0;
let lastReceiveAt = 0;
const expectedReceived = values.subscribe ? publishers * perPublisher : 0;

let subscriber: Socket | undefined;
if (values.subscribe) {
  const { socket, reader } = await open("bench-subscriber", values["sub-username"], values["sub-password"]);
  subscriber = socket;
  await new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) =>
      reader.push(chunk, (frame) => {
        if (frame.type === 9) resolve();
        else if (frame.type === 3) {
          received++;
          lastReceiveAt = performance.now();
          if ((frame.flags & 0x06) !== 0) socket.write(pubackPacket(publishMessageId(frame.body)));
        }
      }),
    );
    socket.write(subscribePacket(values.subscribe as string, qos, 1));
  });
}

const connections = await Promise.all(
  Array.from({ length: publishers }, (_, i) => {
    const c = credentials[i];
    return open(`bench-pub-${i}`, c?.username ?? `dev-${i}`, c?.password ?? "x");
  }),
);

const deadline = Date.now() + Number(values["timeout-s"]) * 1000;
started.at = performance.now();
started.epochMs = Date.now();

await Promise.all(
  connections.map(
    ({ socket, reader }, i) =>
      new Promise<void>((resolve) => {
        const deviceId = credentials[i]?.username ?? `dev-${i}`;
        const topic = `${values["topic-prefix"]}${deviceId}${topicSuffix}`;
        let seq = 0;
        let inflight = 0;
        let allowance = totalRate > 0 ? 0 : Number.POSITIVE_INFINITY;
        const perTick = totalRate / publishers / 100;
        let finished = false;
        const finish = () => {
          if (finished) return;
          finished = true;
          clearInterval(pacer);
          resolve();
        };
        const pump = () => {
          while (seq < perPublisher && allowance >= 1 && (qos === 0 || inflight < window)) {
            const id = (seq % 65535) + 1;
            const ok = socket.write(publishPacket(topic, payloadFor(deviceId, seq), qos, id));
            seq++;
            published++;
            allowance--;
            if (qos === 1) inflight++;
            lastWriteAt = performance.now();
            if (!ok && qos === 0) {
              socket.once("drain", pump);
              return;
            }
          }
          if (qos === 0 && seq >= perPublisher) finish();
        };
        const pacer = setInterval(() => {
          if (Date.now() > deadline) return finish();
          if (totalRate > 0) {
            allowance = Math.min(allowance + perTick, perTick * 10);
            pump();
          }
        }, 10);
        socket.on("data", (chunk: Buffer) =>
          reader.push(chunk, (frame) => {
            if (frame.type !== 4) return;
            inflight--;
            acked++;
            lastAckAt = performance.now();
            if (seq >= perPublisher && inflight === 0) finish();
            else pump();
          }),
        );
        socket.on("close", finish);
        socket.on("error", finish);
        pump();
      }),
  ),
);

while (received < expectedReceived && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
const result: LoadResult = {
  publishers,
  published,
  acked,
  received,
  expectedReceived,
  startedAtEpochMs: started.epochMs,
  publishMs: (qos === 1 ? lastAckAt : lastWriteAt) - started.at,
  receiveMs: lastReceiveAt ? lastReceiveAt - started.at : 0,
  timedOut: Date.now() >= deadline,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
for (const { socket } of connections) socket.destroy();
subscriber?.destroy();
process.exit(0);
