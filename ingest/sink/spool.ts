// The durable spool between ingest and InfluxDB: an append-only log of line-protocol lines in
// numbered segment files, plus a cursor of what InfluxDB has acknowledged.
//
// Appends are group-committed: every append made while one durable (O_DSYNC) write is in flight goes into
// the next one, and each append's promise resolves only once its bytes are on disk. The MQTT
// PUBACK waits for that promise, so an acknowledged reading survives SIGKILL and power loss.
// The writer reads only durable bytes, and the cursor moves (and segments are deleted) only after
// InfluxDB acknowledged; a crash between the two rewrites a batch, which InfluxDB stores once
// (same series and timestamp overwrite).
import { EventEmitter } from "node:events";
import { constants, mkdirSync, readFileSync, readdirSync, statSync, writeSync } from "node:fs";
import { type FileHandle, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../hub/logger.js";
import { AppendAges } from "./append-ages.js";
import { type SpoolPosition, before } from "./spool-position.js";

export interface SpoolOptions {
  maxBytes: number;
  warnRatio: number;
  onFull: "reject" | "drop-oldest";
  segmentBytes: number;
  /**
   * threadpool (the default): the group's durable write runs on libuv's thread pool, and the loop
   * goes on decoding the next group meanwhile (+6 % broker fan-in, measured); inline: it runs on the
   * event loop, which waits for the disk (0.4 ms median, a few ms at times) but saves a turn of latency.
   */
  commit?: "inline" | "threadpool";
}

export interface SpoolBatch {
  /** The batch's lines as they are on disk, newline-separated (no trailing newline): sent as they are. */
  body: Buffer;
  /** Number of lines (points). */
  count: number;
  end: SpoolPosition;
  bytes: number;
}

/** The lines of a batch, for the rare case they are needed one by one (narrowing down a refused point). */
export function batchLines(batch: Pick<SpoolBatch, "body">): string[] {
  return batch.body.length === 0 ? [] : batch.body.toString("utf8").split("\n");
}

export interface SpoolStats {
  bytes: number;
  points: number;
  /** Age of the oldest unacknowledged append, ms (to within a second: see append-ages.ts); 0 when empty. */
  oldestAgeMs: number;
  segments: number;
  droppedPoints: number;
}

export class SpoolFullError extends Error {
  override name = "SpoolFullError";
}

/** Appends that will be written by one durable write; they share one promise. */
class Group {
  texts: string[] = [];
  bytes = 0;
  lines = 0;
  resolve!: () => void;
  reject!: (error: Error) => void;
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  get empty(): boolean {
    return this.texts.length === 0;
  }
}

const SEGMENT_SUFFIX = ".seg";
/**
 * O_DSYNC: each write returns once its data is on stable storage, so a group commit is one trip to
 * the thread pool (a write and an fdatasync would be two, each waiting for a turn of a busy event loop).
 */
const SEGMENT_FLAGS = constants.O_RDWR | constants.O_CREAT | constants.O_DSYNC;
const READ_CHUNK_MAX = 4 * 1024 * 1024;
const READ_CHUNK_MIN = 64 * 1024;
const NEWLINE = 0x0a;

function segmentName(id: number): string {
  return `${String(id).padStart(12, "0")}${SEGMENT_SUFFIX}`;
}

function countLines(buffer: Buffer): number {
  let n = 0;
  for (let i = buffer.indexOf(NEWLINE); i !== -1; i = buffer.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

export class Spool extends EventEmitter {
  /** Durable size of every live segment, in id order. */
  private readonly sizes = new Map<number, number>();
  private head!: { id: number; fh: FileHandle };
  private cursor: SpoolPosition = { segment: 1, offset: 0 };
  private readPos: SpoolPosition = { segment: 1, offset: 0 };
  private reader: { id: number; fh: FileHandle } | undefined;
  private pending = new Group();
  private flushing: Promise<void> | undefined;
  private flushQueued = false;
  private points = 0;
  private droppedPoints = 0;
  /**
   * Bytes of the segments from the cursor's on, kept as appends land: the cap is checked on every
   * append, and summing up to 64 segments there cost a backlog's ingest ~0.3 µs per message.
   */
  private liveBytes = 0;
  /** When the unacknowledged appends were made. */
  private readonly ages = new AppendAges();
  private warned = false;
  private closed = false;
  /** Points taken by read() and not yet committed. */
  private inFlightPoints = 0;
  /** Running average line size, to read about one batch's worth of bytes at a time. */
  private avgLineBytes = 100;

  private constructor(
    private readonly dir: string,
    private readonly options: SpoolOptions,
    private readonly log?: Logger,
  ) {
    super();
  }

  static async open(dir: string, options: SpoolOptions, log?: Logger): Promise<Spool> {
    const spool = new Spool(dir, options, log);
    await spool.recover();
    return spool;
  }

  private async recover(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const ids = readdirSync(this.dir)
      .filter((f) => f.endsWith(SEGMENT_SUFFIX))
      .map((f) => Number.parseInt(f, 10))
      .filter((n) => Number.isSafeInteger(n) && n > 0)
      .sort((a, b) => a - b);
    try {
      const saved = JSON.parse(await readFile(join(this.dir, "cursor.json"), "utf8")) as SpoolPosition;
      if (Number.isSafeInteger(saved.segment) && Number.isSafeInteger(saved.offset)) this.cursor = saved;
    } catch {
      this.cursor = { segment: ids[0] ?? 1, offset: 0 };
    }
    for (const id of ids) {
      if (id < this.cursor.segment) await rm(join(this.dir, segmentName(id)), { force: true });
    }
    const live = ids.filter((id) => id >= this.cursor.segment);
    if (live.length > 0 && live[0] !== this.cursor.segment) this.cursor = { segment: live[0] as number, offset: 0 };
    const oldestMtime = live.length > 0 ? statSync(join(this.dir, segmentName(live[0] as number))).mtimeMs : Date.now();
    for (const id of live) {
      const path = join(this.dir, segmentName(id));
      let data = await readFile(path);
      const last = id === live[live.length - 1];
      if (last && data.length > 0 && data[data.length - 1] !== NEWLINE) {
        // A torn append from a crash: it never reached fdatasync, so it was never acknowledged.
        const keep = data.lastIndexOf(NEWLINE) + 1;
        const fh = await open(path, "r+");
        await fh.truncate(keep);
        await fh.datasync();
        await fh.close();
        this.log?.warn({ segment: id, droppedBytes: data.length - keep }, "spool: discarded a torn, unacknowledged tail");
        data = data.subarray(0, keep);
      }
      this.sizes.set(id, data.length);
      this.points += countLines(id === this.cursor.segment ? data.subarray(this.cursor.offset) : data);
    }
    const headId = live[live.length - 1] ?? this.cursor.segment;
    if (!this.sizes.has(headId)) this.sizes.set(headId, 0);
    this.head = { id: headId, fh: await open(join(this.dir, segmentName(headId)), SEGMENT_FLAGS) };
    await this.syncDir();
    this.readPos = { ...this.cursor };
    this.durableCursor = { ...this.cursor };
    this.recountLiveBytes();
    if (this.points > 0) {
      this.ages.record({ segment: headId, offset: this.sizes.get(headId) as number }, oldestMtime);
      this.log?.info({ points: this.points, bytes: this.stats().bytes }, "spool: recovered unwritten points");
    }
  }

  private async syncDir(): Promise<void> {
    const fh = await open(this.dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  get depthBytes(): number {
    return this.liveBytes - this.cursor.offset;
  }

  /** After the cursor moved to another segment, or segments went. */
  private recountLiveBytes(): void {
    let total = 0;
    for (const [id, size] of this.sizes) if (id >= this.cursor.segment) total += size;
    this.liveBytes = total;
  }

  stats(now = Date.now()): SpoolStats {
    const oldest = this.ages.oldest();
    return {
      bytes: this.depthBytes,
      points: this.points,
      oldestAgeMs: oldest !== undefined && this.points > 0 ? Math.max(0, now - oldest) : 0,
      segments: this.sizes.size,
      droppedPoints: this.droppedPoints,
    };
  }

  /**
   * Appends newline-terminated lines; resolves when they are on disk. Throws SpoolFullError at the
   * cap under the "reject" policy; "drop-oldest" discards whole unwritten segments to make room.
   */
  /** The error of the last failed write (ENOSPC, EROFS, …) until a write succeeds again; the hub is not ready meanwhile. */
  writeError: string | undefined;

  append(text: string, lines: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("spool is closed"));
    const bytes = Buffer.byteLength(text, "utf8");
    while (this.depthBytes + this.pending.bytes + bytes > this.options.maxBytes) {
      if (this.options.onFull !== "drop-oldest" || !this.dropOldestSegment()) {
        return Promise.reject(new SpoolFullError(`spool is full (${this.options.maxBytes} bytes); not accepting new data`));
      }
    }
    const group = this.pending;
    group.texts.push(text);
    group.bytes += bytes;
    group.lines += lines;
    this.scheduleFlush();
    return group.done;
  }

  private scheduleFlush(): void {
    if (this.flushing || this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (!this.pending.empty) this.scheduleFlush();
      });
    });
  }

  private async flush(): Promise<void> {
    const group = this.pending;
    this.pending = new Group();
    if (group.empty) return;
    // One buffer per group commit, not one per message.
    const buffer = Buffer.from(group.texts.length === 1 ? (group.texts[0] as string) : group.texts.join(""), "utf8");
    group.texts = []; // the texts are garbage now, not something for the next scavenge to copy while the disk syncs
    const started = process.hrtime.bigint();
    try {
      let size = this.sizes.get(this.head.id) as number;
      if (size > 0 && size + buffer.length > this.options.segmentBytes) {
        await this.rotate();
        size = 0;
      }
      try {
        const bytesWritten =
          this.options.commit === "inline"
            ? writeSync(this.head.fh.fd, buffer, 0, buffer.length, size)
            : (await this.head.fh.write(buffer, 0, buffer.length, size)).bytesWritten;
        // A short write to a regular file means the device is full (the next write would say ENOSPC).
        if (bytesWritten !== buffer.length) {
          throw Object.assign(new Error(`short write: ${bytesWritten} of ${buffer.length} bytes (disk full)`), { code: "ENOSPC" });
        }
      } catch (error) {
        await this.head.fh.truncate(size).catch(() => undefined);
        throw error;
      }
      const end = { segment: this.head.id, offset: size + buffer.length };
      this.sizes.set(this.head.id, end.offset);
      this.liveBytes += buffer.length;
      this.points += group.lines;
      this.ages.record(end, Date.now());
      this.emit("commit", Number(process.hrtime.bigint() - started) / 1e9);
      this.writeError = undefined;
      group.resolve();
      this.checkWarning();
      this.emit("data");
    } catch (error) {
      if (this.writeError === undefined) this.log?.error({ err: error }, "spool: append failed; the messages are not acknowledged");
      this.writeError = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      group.reject(error as Error);
    }
  }

  private async rotate(): Promise<void> {
    const next = this.head.id + 1;
    const fh = await open(join(this.dir, segmentName(next)), SEGMENT_FLAGS);
    await this.syncDir();
    const old = this.head.fh;
    this.head = { id: next, fh };
    this.sizes.set(next, 0);
    await old.close();
  }

  private checkWarning(): void {
    const ratio = this.depthBytes / this.options.maxBytes;
    if (!this.warned && ratio >= this.options.warnRatio) {
      this.warned = true;
      this.log?.warn(
        { bytes: this.depthBytes, maxBytes: this.options.maxBytes, policy: this.options.onFull },
        `spool is ${Math.round(ratio * 100)}% full: InfluxDB is not keeping up or is unreachable`,
      );
    } else if (this.warned && ratio < this.options.warnRatio * 0.9) {
      this.warned = false;
    }
  }

  /** drop-oldest policy: gives up the oldest whole segment that is not being appended to. */
  private dropOldestSegment(): boolean {
    const oldest = this.cursor.segment;
    if (oldest >= this.head.id) return false;
    const path = join(this.dir, segmentName(oldest));
    // Count what is lost, synchronously, so the cap decision stays atomic.
    const data = readFileSync(path);
    const lost = countLines(data.subarray(this.cursor.offset));
    this.points -= lost;
    this.droppedPoints += lost;
    this.sizes.delete(oldest);
    const next = [...this.sizes.keys()].sort((a, b) => a - b)[0] as number;
    this.cursor = { segment: next, offset: 0 };
    this.recountLiveBytes();
    if (before(this.readPos, this.cursor)) this.readPos = { ...this.cursor };
    this.ages.release(this.cursor);
    this.persistCursor()
      .then(() => rm(path, { force: true }))
      .catch((error) => this.log?.error({ err: error, segment: oldest }, "spool: could not finish dropping a segment"));
    this.log?.error({ segment: oldest, droppedPoints: lost }, "spool full: dropped the oldest unwritten data (policy drop-oldest)");
    return true;
  }

  /** Resolves when there is durable data the writer has not taken yet. */
  waitForData(): Promise<void> {
    if (this.hasUnread()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.off("data", done);
        this.off("close", done);
        resolve();
      };
      this.on("data", done);
      this.on("close", done);
    });
  }

  hasUnread(): boolean {
    const size = this.sizes.get(this.readPos.segment);
    return (size !== undefined && this.readPos.offset < size) || this.readPos.segment < this.head.id;
  }

  /** Points appended but not yet taken by read(). */
  get unreadPoints(): number {
    return this.points - this.inFlightPoints;
  }

  /**
   * Takes up to maxLines durable lines after the last read (not yet acknowledged: see commit);
   * undefined when everything has been read.
   */
  async read(maxLines: number): Promise<SpoolBatch | undefined> {
    return (await this.readBatches(maxLines, 1))[0];
  }

  /**
   * Like read(): up to `maxBatches` consecutive batches of at most `maxLines` lines, from one file read: a writer
   * with several free slots fills them in one event-loop turn instead of one turn per batch, which
   * under an ingest burst (each turn waits behind ingest's time slice) left it far behind. Past the
   * first, only full batches are returned, so a partial tail still waits for the writer's linger.
   */
  async readBatches(maxLines: number, maxBatches: number): Promise<SpoolBatch[]> {
    for (;;) {
      const size = this.sizes.get(this.readPos.segment);
      if (size === undefined || this.readPos.offset >= size) {
        const next = [...this.sizes.keys()].filter((id) => id > this.readPos.segment).sort((a, b) => a - b)[0];
        if (next === undefined) return [];
        this.readPos = { segment: next, offset: 0 };
        continue;
      }
      if (this.reader?.id !== this.readPos.segment) {
        await this.reader?.fh.close();
        this.reader = { id: this.readPos.segment, fh: await open(join(this.dir, segmentName(this.readPos.segment)), "r") };
      }
      const want = Math.min(READ_CHUNK_MAX, Math.max(READ_CHUNK_MIN, Math.ceil(maxLines * maxBatches * this.avgLineBytes * 1.25)));
      const start = this.readPos;
      let length = Math.min(size - start.offset, want);
      let buffer = Buffer.allocUnsafe(length);
      await this.reader.fh.read(buffer, 0, length, start.offset);
      const batches: SpoolBatch[] = [];
      const take = (from: number, cut: number, count: number) =>
        batches.push({
          body: buffer.subarray(from, cut),
          count,
          end: { segment: start.segment, offset: start.offset + cut + 1 },
          bytes: cut + 1 - from,
        });
      let from = 0;
      let cut = -1;
      let count = 0;
      for (let i = buffer.indexOf(NEWLINE); i !== -1 && i < length; i = buffer.indexOf(NEWLINE, i + 1)) {
        cut = i;
        if (++count === maxLines) {
          take(from, cut, count);
          from = cut + 1;
          count = 0;
          if (batches.length === maxBatches) break;
        }
      }
      if (count > 0 && batches.length === 0) take(from, cut, count);
      if (batches.length === 0) {
        // A line longer than one chunk: read to the segment's end (appends always end on a newline).
        length = size - start.offset;
        buffer = Buffer.allocUnsafe(length);
        await this.reader.fh.read(buffer, 0, length, start.offset);
        take(0, buffer.indexOf(NEWLINE), 1);
      }
      const last = batches[batches.length - 1] as SpoolBatch;
      let lines = 0;
      for (const batch of batches) lines += batch.count;
      this.avgLineBytes = 0.8 * this.avgLineBytes + (0.2 * (last.end.offset - start.offset)) / lines;
      this.readPos = last.end;
      this.inFlightPoints += lines;
      return batches;
    }
  }

  /**
   * InfluxDB acknowledged everything up to `batch.end`: moves the cursor at once (commits must come
   * in order), then persists it and deletes finished segments. The returned promise is for that
   * persistence; the writer does not wait for it before reading on, since a cursor lost in a crash
   * only makes InfluxDB store the same points again.
   */
  async commit(batch: SpoolBatch): Promise<void> {
    this.inFlightPoints = Math.max(0, this.inFlightPoints - batch.count);
    if (!before(this.cursor, batch.end)) return; // already dropped by drop-oldest
    const from = this.cursor.segment;
    this.cursor = { ...batch.end };
    this.points = Math.max(0, this.points - batch.count);
    const size = this.sizes.get(this.cursor.segment);
    if (size !== undefined && this.cursor.offset >= size && this.cursor.segment < this.head.id) {
      this.cursor = { segment: this.cursor.segment + 1, offset: 0 };
    }
    if (this.cursor.segment !== from) this.recountLiveBytes();
    this.ages.release(this.cursor);
    await this.persistCursor();
    // Only segments before the cursor that was just made durable.
    for (const id of [...this.sizes.keys()]) {
      if (id < this.durableCursor.segment) {
        this.sizes.delete(id);
        const reader = this.reader;
        if (reader?.id === id) {
          this.reader = undefined;
          await reader.fh.close();
        }
        await rm(join(this.dir, segmentName(id)), { force: true });
      }
    }
  }

  private cursorWrites: Promise<void> = Promise.resolve();
  /** A cursor write queued behind the one running: later commits share it (it writes the newest cursor). */
  private queuedCursorWrite: Promise<void> | undefined;
  /** The cursor as last written to disk. */
  private durableCursor: SpoolPosition = { segment: 0, offset: 0 };

  /** Writes the cursor atomically (temp file, fdatasync, rename); writes are serialised, the newest cursor wins. */
  private persistCursor(): Promise<void> {
    if (this.queuedCursorWrite) return this.queuedCursorWrite;
    const write = async () => {
      this.queuedCursorWrite = undefined;
      const cursor = { ...this.cursor };
      const tmp = join(this.dir, "cursor.json.tmp");
      await writeFile(tmp, JSON.stringify(cursor));
      const fh = await open(tmp, "r+");
      await fh.datasync();
      await fh.close();
      await rename(tmp, join(this.dir, "cursor.json"));
      if (before(this.durableCursor, cursor)) this.durableCursor = cursor;
    };
    const next = this.cursorWrites.then(write, write);
    this.queuedCursorWrite = next;
    this.cursorWrites = next.catch(() => undefined);
    return next;
  }

  /** Flushes pending appends, then closes the files. */
  async close(): Promise<void> {
    while (this.flushing || this.flushQueued || !this.pending.empty) {
      if (this.flushing) await this.flushing;
      else await new Promise((r) => setImmediate(r));
    }
    this.closed = true;
    this.emit("close");
    await this.cursorWrites;
    await this.reader?.fh.close();
    this.reader = undefined;
    await this.head.fh.close();
  }
}
