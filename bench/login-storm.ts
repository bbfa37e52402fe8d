// Ingest during a login storm: one device streams QoS 1 readings while hundreds of devices log in
// at once, as after a network cut heals. Each login is a scrypt hash on libuv's thread pool, which the
// spool's durable writes share; the figure is the streaming device's longest PUBACK wait during the
// storm, against its longest in the second (quick: half second) before (same run). Hashes are
// limited to two at a time (broker/password-hash.ts); without the limit a 400-login storm held
// PUBACKs for 0.6–0.9 s.
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import type { BenchContext } from "./run.js";
import { type BenchCredentials, prepareRegistry, startHub } from "./support/processes.js";
import { type BenchResult, median, result } from "./support/result.js";

interface StormRun {
  beforeMaxMs: number;
  duringMaxMs: number;
  duringP99Ms: number;
  acksDuring: number;
  stormMs: number;
}

const connect = (url: string, credentials: { username: string; password: string }) =>
  mqtt.connectAsync(url, { ...credentials, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 30_000 });

export async function loginStorm(ctx: BenchContext): Promise<BenchResult[]> {
  const logins = ctx.quick ? 99 : 400;
  const repeats = ctx.quick ? 1 : 3;
  // The shared registry has 100 devices; the full storm needs its own.
  const registryDir = ctx.quick ? ctx.registryDir : join(ctx.workDir, "registry-storm");
  const credentials: BenchCredentials = ctx.quick ? ctx.credentials : await prepareRegistry(registryDir, logins + 1);
  const runs: StormRun[] = [];
  for (let r = 0; r < repeats; r++) {
    const hub = await startHub(registryDir, join(ctx.workDir, `hub-storm-${r}`), { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    const url = `mqtt://127.0.0.1:${hub.port}`;
    const [streamer, ...others] = credentials.publishers.slice(0, logins + 1);
    let stormClients: MqttClient[] = [];
    const device = await connect(url, streamer as { username: string; password: string });
    try {
      const acks: [number, number][] = []; // [sent at, wait] in performance.now() ms
      let streaming = true;
      const stream = (async () => {
        // Bounded: stops with the storm, or after 60 s whatever happens.
        const deadline = performance.now() + 60_000;
        for (let seq = 0; streaming && performance.now() < deadline; seq++) {
          const sentAt = performance.now();
          await device.publishAsync(
            `ioc/v1/sensors/${streamer?.username}/data`,
            JSON.stringify({ time: Date.now(), values: { pm25: 10 + (seq % 5) } }),
            { qos: 1 },
          );
          acks.push([sentAt, performance.now() - sentAt]);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 500 : 1000));
      const stormAt = performance.now();
      stormClients = await Promise.all(others.map((c) => connect(url, c)));
      const stormMs = performance.now() - stormAt;
      streaming = false;
      await stream;
      const beforeMaxMs = Math.max(...acks.filter(([at]) => at < stormAt).map(([, wait]) => wait));
      const during = acks
        .filter(([at]) => at >= stormAt)
        .map(([, wait]) => wait)
        .sort((a, b) => a - b);
      runs.push({
        beforeMaxMs,
        duringMaxMs: during[during.length - 1] ?? 0,
        duringP99Ms: during[Math.min(during.length - 1, Math.floor(during.length * 0.99))] ?? 0,
        acksDuring: during.length,
        stormMs,
      });
      ctx.log(
        `  ${others.length} logins in ${Math.round(stormMs)} ms: PUBACK max ${(runs.at(-1)?.duringMaxMs ?? 0).toFixed(1)} ms during (${during.length} acks), ${beforeMaxMs.toFixed(1)} ms before`,
      );
    } finally {
      await Promise.all(stormClients.map((c) => c.endAsync()));
      await device.endAsync();
      await hub.stop();
    }
  }
  const pick = (key: keyof StormRun) => Math.round(median(runs.map((run) => run[key])) * 10) / 10;
  return [
    result("login-storm-puback-max", "ms", pick("duringMaxMs"), "longest PUBACK wait before the storm, same run", pick("beforeMaxMs"), {
      target: "value < 100 ms (set here: a storm of logins must not hold up the acknowledgements of devices already connected)",
      detail: { logins, repeats, p99Ms: pick("duringP99Ms"), acksDuring: pick("acksDuring"), stormMs: pick("stormMs") },
    }),
  ];
}
