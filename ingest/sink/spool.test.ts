import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/support/temp-dir.js";
import { Spool, SpoolFullError, type SpoolOptions, batchLines } from "./spool.js";

const baseOptions: SpoolOptions = { maxBytes: 1024 * 1024 * 1024, warnRatio: 0.8, onFull: "reject", segmentBytes: 64 * 1024 };
const line = (i: number) => `env_reading,kind=air,source=mqtt,station=s pm25=${i} ${1795392000000 + i}`;

async function drain(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const batch = await spool.read(1000);
    if (!batch) return out;
    out.push(...batchLines(batch));
    await spool.commit(batch);
  }
}

describe.each(["inline", "threadpool"] as const)("Spool (%s commit)", (commit) => {
  const options: SpoolOptions = { ...baseOptions, commit };
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("spool");
  });
  afterEach(() => dir.remove());

  it("group-commits concurrent appends and reads them back in order", async () => {
    const spool = await Spool.open(dir.path, options);
    const commits: number[] = [];
    spool.on("commit", (s: number) => commits.push(s));
    await Promise.all(Array.from({ length: 500 }, (_, i) => spool.append(`${line(i)}\n`, 1)));
    expect(commits.length).toBeLessThan(50);
    expect(spool.stats().points).toBe(500);
    const lines = await drain(spool);
    expect(lines).toEqual(Array.from({ length: 500 }, (_, i) => line(i)));
    expect(spool.stats()).toMatchObject({ points: 0, bytes: 0 });
    await spool.close();
  });

  it("hands out several full batches from one read, and a partial one only on its own", async () => {
    const spool = await Spool.open(dir.path, { ...options, segmentBytes: 1 << 20 });
    await Promise.all(Array.from({ length: 2350 }, (_, i) => spool.append(`${line(i)}\n`, 1)));
    const first = await spool.readBatches(500, 4);
    expect(first.map((b) => b.count)).toEqual([500, 500, 500, 500]);
    // Consecutive and complete: each batch ends where the next begins, bodies without the newline.
    expect(first.flatMap((b) => batchLines(b))).toEqual(Array.from({ length: 2000 }, (_, i) => line(i)));
    for (let i = 1; i < first.length; i++) {
      const previous = first[i - 1] as (typeof first)[number];
      expect((first[i] as (typeof first)[number]).end.offset - previous.end.offset).toBe((first[i] as (typeof first)[number]).bytes);
    }
    expect(spool.unreadPoints).toBe(350);
    // 350 left: less than a batch, returned alone (the writer lingers before asking for it).
    const rest = await spool.readBatches(500, 4);
    expect(rest.map((b) => b.count)).toEqual([350]);
    expect(batchLines(rest[0] as (typeof rest)[number])).toEqual(Array.from({ length: 350 }, (_, i) => line(2000 + i)));
    expect(await spool.readBatches(500, 4)).toEqual([]);
    for (const batch of [...first, ...rest]) await spool.commit(batch);
    expect(spool.stats()).toMatchObject({ points: 0, bytes: 0 });
    await spool.close();
  });

  it("does not hand out a partial batch behind full ones", async () => {
    const spool = await Spool.open(dir.path, options);
    await Promise.all(Array.from({ length: 1200 }, (_, i) => spool.append(`${line(i)}\n`, 1)));
    const batches = await spool.readBatches(500, 4);
    expect(batches.map((b) => b.count)).toEqual([500, 500]);
    expect(spool.unreadPoints).toBe(200);
    await spool.close();
  });

  it("rotates segments and deletes them once InfluxDB has them", async () => {
    const spool = await Spool.open(dir.path, options);
    for (let i = 0; i < 3000; i++) await spool.append(`${line(i)}\n`, 1);
    expect(readdirSync(dir.path).filter((f) => f.endsWith(".seg")).length).toBeGreaterThan(2);
    const lines = await drain(spool);
    expect(lines).toHaveLength(3000);
    expect(readdirSync(dir.path).filter((f) => f.endsWith(".seg"))).toHaveLength(1);
    await spool.close();
  });

  it("recovers what was not acknowledged after a restart, and nothing that was", async () => {
    let spool = await Spool.open(dir.path, options);
    for (let i = 0; i < 2000; i++) await spool.append(`${line(i)}\n`, 1);
    const first = await spool.read(700);
    if (!first) throw new Error("no batch");
    await spool.commit(first);
    await spool.read(500); // read but never acknowledged: must come back
    await spool.close();
    spool = await Spool.open(dir.path, options);
    expect(spool.stats().points).toBe(1300);
    expect(spool.stats().oldestAgeMs).toBeGreaterThanOrEqual(0);
    const rest = await drain(spool);
    expect(rest).toEqual(Array.from({ length: 1300 }, (_, i) => line(i + 700)));
    await spool.close();
  });

  it("commits made without waiting share cursor writes; the newest cursor and the deletions land", async () => {
    let spool = await Spool.open(dir.path, options);
    for (let i = 0; i < 3000; i++) await spool.append(`${line(i)}\n`, 1);
    const segments = readdirSync(dir.path).filter((f) => f.endsWith(".seg")).length;
    expect(segments).toBeGreaterThan(2);
    // As the InfluxDB writer does: commit each batch in order, read on without waiting for the cursor file.
    const persisted: Promise<void>[] = [];
    let committed = 0;
    while (committed < 2500) {
      const batch = await spool.read(Math.min(250, 2500 - committed));
      if (!batch) throw new Error("the spool ran dry");
      committed += batch.count;
      persisted.push(spool.commit(batch));
    }
    await Promise.all(persisted);
    expect(persisted.length).toBeGreaterThanOrEqual(10);
    expect(spool.stats().points).toBe(500);
    expect(readdirSync(dir.path).filter((f) => f.endsWith(".seg")).length).toBeLessThan(segments);
    await spool.close();
    spool = await Spool.open(dir.path, options);
    expect(await drain(spool)).toEqual(Array.from({ length: 500 }, (_, i) => line(i + 2500)));
    await spool.close();
  });

  it("discards a torn tail left by a crash in the middle of an append", async () => {
    let spool = await Spool.open(dir.path, options);
    await spool.append(`${line(1)}\n${line(2)}\n`, 2);
    await spool.close();
    const segment = readdirSync(dir.path).find((f) => f.endsWith(".seg")) as string;
    appendFileSync(join(dir.path, segment), "env_reading,kind=air pm25=");
    spool = await Spool.open(dir.path, options);
    expect(spool.stats().points).toBe(2);
    await spool.append(`${line(3)}\n`, 1);
    expect(await drain(spool)).toEqual([line(1), line(2), line(3)]);
    await spool.close();
  });

  it("refuses new data at the cap under the reject policy, keeping what it has", async () => {
    const spool = await Spool.open(dir.path, { ...options, maxBytes: 1024 * 1024, segmentBytes: 65536 });
    const big = `${"x".repeat(1000)}\n`;
    let refused = 0;
    for (let i = 0; i < 1200; i++) {
      await spool.append(big, 1).catch((e) => {
        expect(e).toBeInstanceOf(SpoolFullError);
        refused++;
      });
    }
    expect(refused).toBeGreaterThan(100);
    expect(spool.stats().bytes).toBeLessThanOrEqual(1024 * 1024);
    expect(spool.stats().points).toBe(1200 - refused);
    await spool.close();
  });

  it("warns loudly once the spool passes warnRatio of its cap", async () => {
    const lines: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const spool = await Spool.open(dir.path, { ...options, maxBytes: 1024 * 1024, warnRatio: 0.5 }, log);
    const big = `${"x".repeat(1000)}\n`;
    for (let i = 0; i < 400; i++) await spool.append(big, 1);
    expect(lines.filter((l) => l.includes("full"))).toEqual([]);
    for (let i = 0; i < 200; i++) await spool.append(big, 1);
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => /spool is \d+% full/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, policy: "reject", maxBytes: 1024 * 1024 });
    await spool.close();
  });

  it("keeps its depth in bytes exact across segments, acknowledgements, a restart and drop-oldest", async () => {
    const fixed = (i: number) => `${String(i).padStart(99, "0")}\n`; // 100 bytes a line
    const small = { ...options, segmentBytes: 65536, maxBytes: 600_000, onFull: "drop-oldest" as const };
    let spool = await Spool.open(dir.path, small);
    for (let i = 0; i < 2000; i++) await spool.append(fixed(i), 1);
    expect(spool.stats()).toMatchObject({ points: 2000, bytes: 200_000 });
    expect(spool.stats().segments).toBeGreaterThan(3);
    // Acknowledged across segment boundaries (a batch ends at one) up to the middle of a segment.
    for (let acked = 0; acked < 1350; ) {
      const batch = await spool.read(1350 - acked);
      if (!batch) throw new Error("no batch");
      await spool.commit(batch);
      acked += batch.count;
    }
    expect(spool.stats()).toMatchObject({ points: 650, bytes: 65_000 });
    await spool.close();
    spool = await Spool.open(dir.path, small);
    expect(spool.stats()).toMatchObject({ points: 650, bytes: 65_000 });
    // Past the cap: whole old segments go, and the depth is what is left.
    for (let i = 2000; i < 8000; i++) await spool.append(fixed(i), 1);
    const stats = spool.stats();
    expect(stats.droppedPoints).toBeGreaterThan(0);
    expect(stats.bytes).toBe(stats.points * 100);
    expect(stats.bytes).toBeLessThanOrEqual(600_000);
    expect(await drain(spool)).toHaveLength(stats.points);
    expect(spool.stats()).toMatchObject({ points: 0, bytes: 0 });
    await spool.close();
  });

  it("drops the oldest segments at the cap under the drop-oldest policy, and counts them", async () => {
    const spool = await Spool.open(dir.path, { ...options, maxBytes: 1024 * 1024, segmentBytes: 65536, onFull: "drop-oldest" });
    for (let i = 0; i < 1200; i++) await spool.append(`${String(i).padStart(999, "0")}\n`, 1);
    const stats = spool.stats();
    expect(stats.droppedPoints).toBeGreaterThan(100);
    expect(stats.points + stats.droppedPoints).toBe(1200);
    const lines = await drain(spool);
    expect(lines).toHaveLength(stats.points);
    expect(Number(lines.at(-1))).toBe(1199);
    expect(Number(lines[0])).toBe(stats.droppedPoints);
    await spool.close();
  });
});
