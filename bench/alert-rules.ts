// (a) Readings/s through every sensor rule of the shipped rules config and the station indices, with
// 1,000 stations of 8 quantities each, against JSON.parse of the same readings (the first thing
// ingest does with a message) as the peer. (b) Alert fan-out latency: with 5,000 readings/s offered to
// a hub over MQTT (50 stations × 100/s), the time from publishing a reading that crosses a threshold to
// its alert event on the WebSocket stream, p50 and p99.
import { join } from "node:path";
import mqtt from "mqtt";
import WebSocket from "ws";
import { StationIndices } from "../alerts/indices/station-indices.js";
import { defaultRulesFile, loadRulesFile } from "../alerts/rules-config.js";
import { SensorRuleEngine } from "../alerts/sensor-rule-engine.js";
import { ApiTokens } from "../api/api-tokens.js";
import type { Envelope } from "../ingest/envelope.js";
import type { SensorReading } from "../ingest/observation.js";
import { seededRandom } from "../simulators/seeded-random.js";
import { openDatabase } from "../store/database.js";
import type { BenchContext } from "./run.js";
import { startHub } from "./support/processes.js";
import { type BenchResult, median, result } from "./support/result.js";

export function ruleRate(ctx: BenchContext): BenchResult {
  const random = seededRandom(11);
  const stations = Array.from({ length: 1000 }, (_, i) => `aq-${String(i).padStart(4, "0")}`);
  const count = ctx.quick ? 100_000 : 400_000;
  const t0 = Date.parse("2026-11-23T00:00:00Z");
  const payloads: string[] = [];
  // Each station's values wander (a mean-reverting random walk) around its own level, with some
  // polluted stations that cross the thresholds now and then, as real stations do.
  const levels = stations.map(() => 0.5 + random() * 1.5);
  const walk = stations.map(() => ({ pm25: 0, pm10: 0, o3: 0, no2: 0, so2: 0, co: 0, temperature: 0, humidity: 0 }));
  const wander = (w: Record<string, number>, key: string, step: number) => {
    w[key] = (w[key] as number) * 0.95 + (random() - 0.5) * step;
    return w[key] as number;
  };
  for (let i = 0; i < count; i++) {
    const s = i % 1000;
    const w = walk[s] as Record<string, number>;
    const level = levels[s] as number;
    const values = {
      pm25: Math.max(1, Math.round(level * (35 + wander(w, "pm25", 40)))),
      pm10: Math.max(1, Math.round(level * (60 + wander(w, "pm10", 60)))),
      o3: Math.max(0, Math.round(level * (60 + wander(w, "o3", 50)))),
      no2: Math.max(0, Math.round(level * (40 + wander(w, "no2", 40)))),
      so2: Math.max(0, Math.round(level * (15 + wander(w, "so2", 10)))),
      co: Math.max(0, Math.round(level * (1500 + wander(w, "co", 800)))),
      temperature: Math.round(10 * (27 + wander(w, "temperature", 2))) / 10,
      humidity: Math.min(100, Math.max(30, Math.round(75 + wander(w, "humidity", 10)))),
    };
    // Each station reports once a minute: 1,000 stations, `count` readings spread over the days.
    payloads.push(JSON.stringify({ station: stations[i % 1000], time: t0 + Math.floor(i / 1000) * 60_000, values }));
  }
  const readings: [SensorReading, Envelope][] = payloads.map((p) => {
    const r = JSON.parse(p) as { station: string; time: number; values: Record<string, number> };
    return [
      { type: "sensor_reading", station: r.station, kind: "air", source: "mqtt", timeMs: r.time, values: r.values },
      { receivedAt: r.time } as Envelope,
    ];
  });
  const rates: number[] = [];
  const peers: number[] = [];
  let transitions = 0;
  let indices = 0;
  for (let round = 0; round < (ctx.quick ? 3 : 5); round++) {
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), () => transitions++);
    const stationIndices = new StationIndices(() => indices++);
    let t = performance.now();
    for (const [reading, envelope] of readings) {
      engine.observe(reading, envelope);
      stationIndices.observe(reading);
    }
    rates.push((readings.length / (performance.now() - t)) * 1000);
    t = performance.now();
    let sink = 0;
    for (const p of payloads) sink += (JSON.parse(p) as { time: number }).time & 1;
    peers.push((payloads.length / (performance.now() - t)) * 1000 + sink * 0);
  }
  ctx.log(
    `  sensor rules: ${Math.round(median(rates))} readings/s (8 values each, 1,000 stations; ${transitions} transitions, ${indices} indices) vs JSON.parse ${Math.round(median(peers))}/s`,
  );
  return result("sensor-rules-1000-stations", "readings/s", median(rates), "JSON.parse of the same readings", median(peers), {
    target: ">= 200,000 readings/s",
    detail: { stations: 1000, valuesPerReading: 8, readings: readings.length, rules: loadRulesFile(defaultRulesFile).sensor.length },
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function fanOutLatency(ctx: BenchContext): Promise<BenchResult[]> {
  const db = openDatabase(ctx.registryDir);
  const { secret } = await new ApiTokens(db).add(`bench-${Date.now()}`, "operator");
  db.close();
  const hub = await startHub(ctx.registryDir, join(ctx.workDir, "hub-alerts"), { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
  try {
    const stationsN = 50;
    const perSecond = 100;
    const seconds = ctx.quick ? 3 : 15;
    const sent = new Map<string, number>();
    const latencies: number[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${hub.httpPort}/api/v1/alerts/stream?access_token=${secret}`);
    ws.on("message", (data) => {
      const now = performance.now();
      const m = JSON.parse(data.toString()) as { alert?: { subject: string; evidence: { time: string }[] } };
      const evidence = m.alert?.evidence.at(-1);
      if (!m.alert || !evidence) return;
      const at = sent.get(`${m.alert.subject}|${evidence.time}`);
      if (at !== undefined) latencies.push(now - at);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const clients = await Promise.all(
      ctx.credentials.publishers.slice(0, stationsN).map((c) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${hub.port}`, {
          username: c.username,
          password: c.password,
          clientId: c.username,
          reconnectPeriod: 0,
        }),
      ),
    );
    const base = Date.now() - 60_000;
    let published = 0;
    const started = performance.now();
    // Every 50th reading of a station crosses pm25-high (≥ 150), every 100th clears it (< 120): 100 alert events/s.
    // Every 10 ms each station sends one reading (50 stations × 100/s), so no reading waits behind a burst.
    for (let seq = 0; seq < seconds * perSecond; seq++) {
      const due = started + seq * (1000 / perSecond);
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (let s = 0; s < stationsN; s++) {
        const client = clients[s] as mqtt.MqttClient;
        const station = ctx.credentials.publishers[s]?.username as string;
        const time = new Date(base + seq * 10).toISOString();
        const pm25 = seq % 100 === 49 ? 200 : seq % 100 === 99 ? 50 : 130;
        if (pm25 !== 130) sent.set(`${station}|${time}`, performance.now());
        client.publish(`ioc/v1/sensors/${station}/data`, JSON.stringify({ time, values: { pm25 } }), { qos: 1 });
        published++;
      }
    }
    const offeredRate = published / ((performance.now() - started) / 1000);
    await new Promise((r) => setTimeout(r, 2000));
    await Promise.all(clients.map((c) => c.endAsync()));
    ws.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    ctx.log(
      `  alert fan-out: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${sorted.length} alert events at ${Math.round(offeredRate)} readings/s offered`,
    );
    return [
      result("alert-fanout-p99", "ms", p99, "p50 of the same run", p50, {
        target: "p99 < 50 ms at 5,000 readings/s",
        detail: { p50, events: sorted.length, expectedEvents: sent.size, offeredReadingsPerSecond: Math.round(offeredRate) },
      }),
    ];
  } finally {
    await hub.stop();
  }
}

export async function alertRules(ctx: BenchContext): Promise<BenchResult[]> {
  return [ruleRate(ctx), ...(await fanOutLatency(ctx))];
}
