// The spool → InfluxDB writer against a real influxd: draining, outages, refused points, 413 splits.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HubMetrics } from "../../hub/metrics.js";
import { type TestInfluxd, startTestInfluxd } from "../../test/support/influxd.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { DeadLetterLog } from "../dead-letter.js";
import { InfluxClient } from "./influx-client.js";
import { InfluxWriter, type WriterOptions } from "./influx-writer.js";
import { Spool } from "./spool.js";

const log = pino({ level: "silent" });
const spoolOptions = { maxBytes: 1 << 30, warnRatio: 0.8, onFull: "reject" as const, segmentBytes: 1 << 20 };

describe("InfluxWriter", () => {
  let influx: TestInfluxd;
  let dir: ReturnType<typeof tempDir>;
  let spool: Spool;
  let deadLetter: DeadLetterLog;
  let writer: InfluxWriter;
  let metrics: HubMetrics;

  /** A real influxd, a spool and a started writer; `client` and `options` change the writer's. */
  async function setUp(
    setup: { maxBodyBytes?: number; client?: (influx: TestInfluxd) => InfluxClient; options?: Partial<WriterOptions> } = {},
  ) {
    influx = await startTestInfluxd({ maxBodyBytes: setup.maxBodyBytes });
    spool = await Spool.open(join(dir.path, "spool"), spoolOptions);
    deadLetter = new DeadLetterLog(join(dir.path, "dead"), { maxFileBytes: 1 << 20, maxFiles: 2 });
    metrics = new HubMetrics({ processMetrics: false });
    writer = new InfluxWriter(
      spool,
      setup.client?.(influx) ?? new InfluxClient({ url: influx.url, db: influx.db }),
      { batchSize: 500, concurrency: 2, flushIntervalMs: 20, maxRetryDelayMs: 500, ...setup.options },
      deadLetter,
      metrics,
      log,
    );
    writer.start();
  }

  const waitDrained = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (spool.stats().points > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(spool.stats().points).toBe(0);
  };

  beforeEach(() => {
    dir = tempDir("writer");
  });
  afterEach(async () => {
    await writer?.stop();
    await spool?.close();
    await deadLetter?.close();
    await influx?.destroy();
    dir.remove();
  });

  it("gathers a trickle of small group commits: reads at most one batch per flush interval until one is full", async () => {
    await setUp(); // flushIntervalMs 20, batchSize 500
    const started = Date.now();
    // 150 appends a turn apart, each its own group commit: taken as they come, nearly a write each.
    const appended: Promise<void>[] = [];
    for (let i = 0; i < 150; i++) {
      appended.push(spool.append(`trickle value=${i} ${1795392000000 + i}\n`, 1));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(appended);
    await waitDrained();
    const elapsedMs = Date.now() - started;
    const histogram = await metrics.influxWriteDuration.get();
    const writes = histogram.values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(Math.floor(elapsedMs / 20) + 1);
    expect((await influx.rows("SELECT count(value) FROM trickle"))[0]?.count).toBe(150);
  });

  it("ends the wait for a batch as soon as one is full, however long the flush interval", async () => {
    // A flush interval far longer than the test's timeout: only a full batch can start the write.
    await setUp({ options: { flushIntervalMs: 600_000 } });
    for (let group = 0; group < 5; group++) {
      await spool.append(
        Array.from({ length: 100 }, (_, i) => `full value=${group * 100 + i} ${1795392000000 + group * 100 + i}\n`).join(""),
        100,
      );
    }
    await waitDrained(15_000);
    expect((await influx.rows("SELECT count(value) FROM full"))[0]?.count).toBe(500);
  });

  it("writes the rest of a backlog at once, without waiting for the flush interval", async () => {
    await setUp({ options: { flushIntervalMs: 600_000 } });
    // Two full batches and 250 points: the 250 follow the full batches instead of lingering.
    await spool.append(Array.from({ length: 1250 }, (_, i) => `backlog value=${i} ${1795392000000 + i}\n`).join(""), 1250);
    await waitDrained(15_000);
    expect((await influx.rows("SELECT count(value) FROM backlog"))[0]?.count).toBe(1250);
  });

  it("prepares the server when it starts, before there is anything to write", async () => {
    let client: InfluxClient | undefined;
    let preparations = 0;
    await setUp({
      client: (server) => {
        client = new InfluxClient({ url: server.url, db: "made_at_start" });
        return client;
      },
      options: {
        concurrency: 4,
        prepare: async () => {
          preparations++;
          await client?.ensureDatabase();
        },
      },
    });
    const deadline = Date.now() + 10_000;
    while (!writer.healthy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(writer.healthy).toBe(true);
    expect(spool.stats().points).toBe(0);
    const databases = (await influx.rows("SHOW DATABASES")).map((row) => row.name);
    expect(databases).toContain("made_at_start");
    // Four batches at once share that one preparation.
    for (let i = 0; i < 2000; i++) await spool.append(`early value=${i} ${1795392000000 + i}\n`, 1);
    await waitDrained();
    expect(preparations).toBe(1);
  });

  it("drains the spool in batches and moves the cursor only after InfluxDB acknowledged", async () => {
    await setUp();
    for (let i = 0; i < 2000; i++) await spool.append(`w value=${i} ${1795392000000 + i}\n`, 1);
    await waitDrained();
    expect((await influx.rows("SELECT count(value) FROM w"))[0]?.count).toBe(2000);
    expect(writer.healthy).toBe(true);
  });

  it("keeps retrying while InfluxDB is down and delivers everything when it is back", async () => {
    await setUp();
    await influx.stop();
    for (let i = 0; i < 300; i++) await spool.append(`outage value=${i} ${1795392000000 + i}\n`, 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(writer.healthy).toBe(false);
    expect(spool.stats().points).toBe(300);
    await influx.start();
    await waitDrained();
    expect((await influx.rows("SELECT count(value) FROM outage"))[0]?.count).toBe(300);
    expect(writer.healthy).toBe(true);
  });

  it("resumes within a probe of InfluxDB's return, not at the end of a long backoff", { timeout: 30_000 }, async () => {
    // A backoff cap of 10 minutes: without the /ping probe the writer could sleep that long after
    // the server is back.
    await setUp({ options: { maxRetryDelayMs: 600_000 } });
    await influx.stop();
    for (let i = 0; i < 300; i++) await spool.append(`probe value=${i} ${1795392000000 + i}\n`, 1);
    // Down for 8 s: the backoff has grown to waits of up to 16–32 s by then.
    await new Promise((r) => setTimeout(r, 8000));
    expect(writer.healthy).toBe(false);
    await influx.start();
    await waitDrained(4000);
    expect((await influx.rows("SELECT count(value) FROM probe"))[0]?.count).toBe(300);
  });

  it("dead-letters only the points InfluxDB refuses and stores the rest of the batch", async () => {
    await setUp();
    await influx.client.write(["typed value=1 1795392000000"]);
    const lines = [
      "typed value=2 1795392000001",
      'typed value="a string" 1795392000002',
      "typed value=4 1795392000003",
      "typed,broken 1795392000004",
      "typed value=6 1795392000005",
    ];
    await spool.append(`${lines.join("\n")}\n`, lines.length);
    await waitDrained();
    expect((await influx.rows("SELECT value FROM typed")).map((r) => r.value)).toEqual([1, 2, 4, 6]);
    const dead = readFileSync(join(dir.path, "dead", "dead-letter.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(dead.map((d) => d.line)).toEqual([lines[1], lines[3]]);
    expect(dead.every((d) => d.reasons[0] === "influx_rejected")).toBe(true);
  });

  it("splits a batch InfluxDB answers with 413", async () => {
    await setUp({ maxBodyBytes: 3000 });
    // Random values so that gzip cannot bring the batch under the limit.
    const lines = Array.from({ length: 500 }, (_, i) => `split,station=s${i % 7} value=${i},noise=${Math.random()} ${1795392000000 + i}`);
    await spool.append(`${lines.join("\n")}\n`, lines.length);
    await waitDrained();
    expect((await influx.rows("SELECT count(value) FROM split"))[0]?.count).toBe(500);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/ioc_influx_write_errors_total\{kind="413"\} [1-9]/);
  });
});
