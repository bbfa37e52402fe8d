// (b) End to end: MQTT publish → acknowledged by InfluxDB, one reading per message and 100-reading
// SenML packs, against the raw ceiling of the same points written straight to the same influxd in
// 5,000-line batches. (c) The hub's resident memory while 50,000 readings/s are offered. Hub and
// raw ceiling are both measured warm: each gets an unmeasured burst of a third of the points first.
import { join } from "node:path";
import { InfluxClient } from "../ingest/sink/influx-client.js";
import { ManagedInfluxd } from "../ingest/sink/managed-influxd.js";
import type { BenchContext } from "./run.js";
import { countPoints, waitForCount } from "./support/influx-count.js";
import { rssBytes, runLoad, startHub } from "./support/processes.js";
import { waitForSpoolDrained } from "./support/spool-drained.js";
import { type BenchResult, median, result } from "./support/result.js";

const PUBLISHERS = 100;

/** The same points as the load generator's SenML packs, as the hub would write them. */
function rawLines(publishers: string[], messages: number, pack: number, baseTime: number): string[] {
  const lines: string[] = [];
  for (const id of publishers) {
    for (let seq = 0; seq < messages; seq++) {
      for (let k = 0; k < pack; k++) {
        lines.push(`env_reading,kind=air,source=mqtt,station=${id} pm25=${((seq + k) % 500) + 0.5} ${baseTime + seq * pack + k}`);
      }
    }
  }
  return lines;
}

export async function ingestEndToEnd(ctx: BenchContext, bareAedesQos1: number): Promise<BenchResult[]> {
  const repeats = ctx.quick ? 1 : 3;
  const singleMessages = ctx.quick ? 200 : 600;
  const packMessages = ctx.quick ? 10 : 30;
  const influxd = new ManagedInfluxd({ dataDir: join(ctx.workDir, "influxd") });
  await influxd.start();
  const results: BenchResult[] = [];
  try {
    const single: number[] = [];
    const packs: number[] = [];
    const raw: number[] = [];
    const stallMax: number[] = [];
    const stallP50: number[] = [];
    for (let r = 0; r < repeats; r++) {
      for (const mode of ["single", "senml"] as const) {
        const db = `bench_${mode}_${r}`;
        const hub = await startHub(ctx.registryDir, join(ctx.workDir, `hub-e2e-${mode}-${r}`), {
          IOC_INFLUX_URL: influxd.url,
          IOC_INFLUX_DB: db,
        });
        const client = new InfluxClient({ url: influxd.url, db });
        try {
          const messages = mode === "single" ? singleMessages : packMessages;
          const perMessage = mode === "single" ? 1 : 100;
          const payload = mode === "single" ? "reading64" : "senml:100";
          // An unmeasured burst first, of the same kind, 12 hours earlier (no point collides with the
          // measured ones): the hub is measured warm, its hot paths compiled, like a hub that has run for a while.
          const warmMessages = Math.ceil(messages / 3);
          const warm = PUBLISHERS * warmMessages * perMessage;
          await runLoad({
            port: hub.port,
            publishers: PUBLISHERS,
            messages: warmMessages,
            qos: 1,
            credentials: ctx.credentials.publishers,
            payload,
            baseTime: Date.now() - 12 * 3_600_000,
          });
          await waitForCount(client, warm, 60_000);
          const expected = warm + PUBLISHERS * messages * perMessage;
          const baseTime = Date.now() - 6 * 3_600_000;
          // The event-loop delay histogram restarts at every scrape: this one opens the burst's window.
          if (mode === "senml") await loopDelay(hub.httpPort);
          const loadPromise = runLoad({
            port: hub.port,
            publishers: PUBLISHERS,
            messages,
            qos: 1,
            credentials: ctx.credentials.publishers,
            payload,
            baseTime,
          });
          const load = await loadPromise;
          if (mode === "senml") {
            const delay = await loopDelay(hub.httpPort);
            stallMax.push(delay.maxMs);
            stallP50.push(delay.p50Ms);
            ctx.log(`  senml burst: event loop delayed ${delay.maxMs.toFixed(0)} ms at most (p50 ${delay.p50Ms.toFixed(1)} ms)`);
          }
          // Timed to the moment InfluxDB has acknowledged everything; then checked by counting.
          const doneAt = await waitForSpoolDrained(hub.httpPort as number, 120_000);
          await waitForCount(client, expected, 10_000);
          const stored = (await countPoints(client)) - warm;
          if (stored !== expected - warm) ctx.log(`  e2e ${mode}: only ${stored} of ${expected - warm} readings stored`);
          const rate = (stored / (doneAt - load.startedAtEpochMs)) * 1000;
          (mode === "single" ? single : packs).push(rate);
          ctx.log(`  e2e ${mode}: ${Math.round(rate)} readings/s (${stored}/${expected - warm} stored, ${load.acked} acked)`);
        } finally {
          await hub.stop();
        }
      }
      // The raw ceiling: the SenML run's points, straight to influxd in 5,000-line batches.
      const rawDb = `bench_raw_${r}`;
      const rawClient = new InfluxClient({ url: influxd.url, db: rawDb });
      await rawClient.ensureDatabase();
      // Warmed like the hub: a third as many points, 12 hours earlier, first.
      const warmLines = rawLines(
        ctx.credentials.publishers.map((p) => p.username),
        Math.ceil(packMessages / 3),
        100,
        Date.now() - 12 * 3_600_000,
      );
      for (let i = 0; i < warmLines.length; i += 5000) await rawClient.write(warmLines.slice(i, i + 5000));
      const lines = rawLines(
        ctx.credentials.publishers.map((p) => p.username),
        packMessages,
        100,
        Date.now() - 6 * 3_600_000,
      );
      const started = performance.now();
      for (let i = 0; i < lines.length; i += 5000) {
        const outcome = await rawClient.write(lines.slice(i, i + 5000));
        if (!outcome.ok) throw new Error(`raw write failed: ${outcome.error}`);
      }
      const rate = (lines.length / (performance.now() - started)) * 1000;
      raw.push(rate);
      ctx.log(`  raw influx ceiling: ${Math.round(rate)} points/s`);
    }
    results.push(
      result("ingest-e2e-single", "readings/s", median(single), "bare aedes qos1 fan-in", bareAedesQos1, {
        target: "ratio >= 0.7",
        detail: { publishers: PUBLISHERS, messagesPerPublisher: singleMessages, repeats },
      }),
    );
    results.push(
      result("ingest-e2e-senml-100", "readings/s", median(packs), "raw influxdb 5000-line batches", median(raw), {
        target: "ratio >= 0.5",
        detail: { publishers: PUBLISHERS, packsPerPublisher: packMessages, readingsPerPack: 100, repeats },
      }),
    );
    results.push(
      result("ingest-burst-loop-delay-max", "ms", median(stallMax), "p50 loop delay, same run", median(stallP50), {
        target: "value < 200 ms (set here: a burst must not hold up the API, the alert fan-out and the writer)",
        detail: {
          burst: `${PUBLISHERS} publishers x ${packMessages} SenML packs of 100 readings, 32 in flight each`,
          turnBudgetMs: 20,
          repeats,
        },
      }),
    );
    results.push(await hubMemory(ctx, influxd));
  } finally {
    await influxd.stop();
  }
  return results;
}

/** The hub's event-loop delay since the previous scrape (prom-client's monitorEventLoopDelay, 10-ms resolution). */
async function loopDelay(httpPort: number | undefined): Promise<{ maxMs: number; p50Ms: number }> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const seconds = (name: string) => Number(new RegExp(`^ioc_process_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, "m").exec(text)?.[1]);
  return { maxMs: seconds("max") * 1000, p50Ms: seconds("p50") * 1000 };
}

/**
 * (c) Peak RSS of the hub while the load generator offers 50,000 readings/s. A minute in the full run:
 * the RSS creeps for ~50 s before it levels off (15 s read 177–186 MB, the same hub's plateau was ~200).
 */
async function hubMemory(ctx: BenchContext, influxd: ManagedInfluxd): Promise<BenchResult> {
  const seconds = ctx.quick ? 3 : 60;
  const offered = 50_000;
  const hub = await startHub(ctx.registryDir, join(ctx.workDir, "hub-rss"), { IOC_INFLUX_URL: influxd.url, IOC_INFLUX_DB: "bench_rss" });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(hub.pid));
    } catch {
      // process gone
    }
  }, 100);
  try {
    const load = await runLoad({
      port: hub.port,
      publishers: PUBLISHERS,
      messages: (offered / PUBLISHERS) * seconds,
      qos: 1,
      rate: offered,
      credentials: ctx.credentials.publishers,
      timeoutS: seconds * 4,
    });
    const achieved = (load.acked / load.publishMs) * 1000;
    ctx.log(`  rss: peak ${(peak / 1048576).toFixed(1)} MB at ${Math.round(achieved)} acked readings/s of ${offered} offered`);
    return result("hub-rss-50k-offered", "MB", peak / 1048576, "target", 200, {
      target: "value < 200 MB",
      detail: { offered_readings_s: offered, acked_readings_s: Math.round(achieved), seconds },
    });
  } finally {
    clearInterval(sampler);
    await hub.stop();
  }
}
