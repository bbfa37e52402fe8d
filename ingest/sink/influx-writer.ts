// Drains the spool into InfluxDB: batches of up to batchSize lines, retried with exponential backoff
// and full jitter while InfluxDB is down or slow; the spool cursor moves only after InfluxDB
// acknowledged a batch. Points InfluxDB refuses (400 partial write) are found by bisection, which
// is safe because rewriting a stored point is idempotent, and only those go to the dead letters.
import { fullJitterDelayMs } from "../../hub/backoff.js";
import type { Logger } from "../../hub/logger.js";
import type { HubMetrics } from "../../hub/metrics.js";
import type { DeadLetterLog } from "../dead-letter.js";
import type { InfluxClient, WriteOutcome } from "./influx-client.js";
import { type Spool, type SpoolBatch, batchLines } from "./spool.js";

export interface WriterOptions {
  batchSize: number;
  /** Batches written at once. */
  concurrency: number;
  flushIntervalMs: number;
  maxRetryDelayMs: number;
  /** Called once the server answers, before the first write (e.g. CREATE DATABASE on 1.x). */
  prepare?: () => Promise<void>;
}

export type WriterState = "idle" | "writing" | "retrying" | "stopped";

const BASE_RETRY_MS = 250;
/**
 * While InfluxDB cannot be reached, it is asked /ping this often during the backoff: with full
 * jitter up to maxRetryDelayMs (30 s), a server back after an outage waited 15 s on average, up
 * to 30, before the backlog moved (seen: 20 s after a 2-minute outage). A ping is one small request.
 */
const UNREACHABLE_PROBE_MS = 1000;
/** Write failures that mean nothing answers (stopped, restarting, network down), not a slow or failing server. */
const UNREACHABLE_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "UND_ERR_SOCKET",
]);

export class InfluxWriter {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private prepared = false;
  private preparing: Promise<void> | undefined;
  private failures = 0;
  state: WriterState = "idle";
  lastError: string | undefined;
  lastSuccessAt: number | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly client: InfluxClient,
    private readonly options: WriterOptions,
    private readonly deadLetter: DeadLetterLog,
    private readonly metrics: HubMetrics,
    private readonly log: Logger,
  ) {}

  /** True while the last attempt to reach InfluxDB succeeded. */
  get healthy(): boolean {
    return this.failures === 0 && this.prepared;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // Prepared now rather than at the first batch: the database is there before data arrives (the
    // first writes of a burst no longer wait behind it), and a server that cannot be prepared (bad
    // credentials, no rights) is reported at start. Failing here, it is tried again by the first write.
    this.prepare().catch((error) =>
      this.log.warn({ err: error }, "InfluxDB not ready at start; the spool keeps the data and the writer tries again"),
    );
    this.loop = this.run().catch((error) => this.log.fatal({ err: error }, "influx writer stopped on an unexpected error"));
  }

  /** The server's preparation, once; concurrent callers share it, and a failed one is tried again. */
  private prepare(): Promise<void> {
    if (this.prepared) return Promise.resolve();
    this.preparing ??= Promise.resolve(this.options.prepare?.())
      .then(() => {
        this.prepared = true;
      })
      .finally(() => {
        this.preparing = undefined;
      });
    return this.preparing;
  }

  /**
   * Stops after the batch in flight. With drainMs > 0, first keeps writing until the spool is empty,
   * InfluxDB fails, or the time is up (graceful shutdown).
   */
  async stop(drainMs = 0): Promise<void> {
    if (drainMs > 0 && this.running) {
      const deadline = Date.now() + drainMs;
      while (Date.now() < deadline && this.spool.stats().points > 0 && this.failures === 0) {
        await sleep(20);
      }
    }
    this.running = false;
    this.wake?.();
    await this.loop;
    this.state = "stopped";
  }

  /** Sleeps up to `ms`; stop() ends the sleep, and with `untilFullBatch` so does a full batch in the spool. */
  private async sleepInterruptibly(ms: number, untilFullBatch = false): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.spool.off("data", onData);
        resolve();
      };
      const onData = () => {
        if (this.spool.unreadPoints >= this.options.batchSize) done();
      };
      const timer = setTimeout(done, ms);
      if (untilFullBatch) this.spool.on("data", onData);
      this.wake = done;
    });
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    // Up to `concurrency` batches are written at once (InfluxDB ingests them in parallel); they are
    // committed to the spool strictly in order, so the cursor never passes an unwritten batch.
    const inFlight: { batch: SpoolBatch; written: Promise<boolean>; settled: boolean }[] = [];
    // The cursor is persisted behind the writes (spool.commit coalesces them): waiting for each
    // cursor file's fsync before reading on would bound the writer to one batch per fsync round.
    let persisted: Promise<void> = Promise.resolve();
    const commitOldest = async () => {
      const oldest = inFlight.shift();
      if (oldest && (await oldest.written)) {
        persisted = this.spool.commit(oldest.batch).catch((error) => {
          this.log.error({ err: error }, "spool: could not save the write cursor; the points may be written again after a restart");
        });
      }
    };
    // A batch may fill for up to flushIntervalMs from here (the previous read, or data arriving at
    // an idle writer): without it a trickle of group commits would go out as many tiny writes.
    let lingerFrom = Date.now();
    // The previous read took full batches: the writer is working off a backlog (a burst, or the
    // spool after an outage), and its last partial batch goes out at once rather than lingering.
    let backlog = false;
    while (this.running) {
      if (!this.spool.hasUnread()) {
        backlog = false;
        while (inFlight.length > 0) await commitOldest();
        if (!this.running) break;
        this.state = "idle";
        await Promise.race([this.spool.waitForData(), new Promise<void>((r) => (this.wake = r))]);
        this.wake = undefined;
        if (!this.running) break;
        lingerFrom = Date.now();
      }
      // Let a batch fill unless one is already waiting: until it is full or the interval is over.
      if (this.options.flushIntervalMs > 0 && !backlog && this.spool.unreadPoints < this.options.batchSize) {
        const wait = lingerFrom + this.options.flushIntervalMs - Date.now();
        if (wait > 0) await this.sleepInterruptibly(wait, true);
        if (!this.running) break;
      }
      // Every free slot is filled from one read.
      const batches = await this.spool.readBatches(this.options.batchSize, this.options.concurrency - inFlight.length);
      if (batches.length === 0) continue;
      lingerFrom = Date.now();
      backlog = (batches[batches.length - 1] as SpoolBatch).count === this.options.batchSize;
      for (const batch of batches) {
        const entry = { batch, written: this.deliver(batch), settled: false };
        const settle = () => {
          entry.settled = true;
        };
        entry.written.then(settle, settle);
        inFlight.push(entry);
      }
      // At least one slot free for the next read; more if the batches after the oldest are done too.
      if (inFlight.length >= this.options.concurrency) {
        await commitOldest();
        while (inFlight[0]?.settled) await commitOldest();
      }
    }
    while (inFlight.length > 0) await commitOldest();
    await persisted;
  }

  /** Writes one batch until InfluxDB has it (or has refused single points); false if stopped first. */
  private async deliver(batch: SpoolBatch): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      this.state = attempt === 0 ? "writing" : "retrying";
      try {
        await this.prepare();
        const result = await this.writeResolving(batch.body);
        if (result === "done") {
          if (this.failures > 0) this.log.info({ attempts: attempt + 1 }, "InfluxDB is writable again; draining the spool");
          this.failures = 0;
          this.lastError = undefined;
          this.lastSuccessAt = Date.now();
          this.metrics.influxPointsWritten.inc(batch.count);
          return true;
        }
        if (result.unreachable) await this.backoffUntilReachable(attempt);
        else await this.backoff(attempt, result.retryAfterMs);
      } catch (error) {
        // The server's preparation failed: unreachable (fetch's cause), or refused (e.g. no rights).
        this.noteFailure("network", (error as Error).message);
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code !== undefined && UNREACHABLE_ERRORS.has(code)) await this.backoffUntilReachable(attempt);
        else await this.backoff(attempt);
      }
      if (!this.running) {
        // Shutting down with InfluxDB unreachable: the batch stays in the spool for the next start.
        return false;
      }
    }
  }

  private noteFailure(kind: string, message: string): void {
    this.failures++;
    this.metrics.influxWriteErrors.inc({ kind });
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.log.warn(
        { failures: this.failures, error: message, spool: this.spool.stats() },
        "InfluxDB write failed; keeping data in the spool and retrying",
      );
    }
    this.lastError = message;
  }

  private async backoff(attempt: number, retryAfterMs?: number): Promise<void> {
    const delay = retryAfterMs ?? fullJitterDelayMs(attempt, BASE_RETRY_MS, this.options.maxRetryDelayMs) + 50;
    await this.sleepInterruptibly(delay);
  }

  /**
   * The backoff after InfluxDB could not be reached at all, ended early by a /ping that answers. Not
   * after an HTTP error: a server that answers but fails or is overloaded gets the whole backoff.
   */
  private async backoffUntilReachable(attempt: number): Promise<void> {
    const until = Date.now() + fullJitterDelayMs(attempt, BASE_RETRY_MS, this.options.maxRetryDelayMs) + 50;
    for (let left = until - Date.now(); left > 0 && this.running; left = until - Date.now()) {
      await this.sleepInterruptibly(Math.min(left, UNREACHABLE_PROBE_MS));
      if (!this.running || Date.now() >= until) return;
      const reachable = await this.client.ping().then(
        () => true,
        () => false,
      );
      if (reachable) return;
    }
  }

  /** Writes lines; "done" when every line is stored or dead-lettered, else the whole batch is to be retried. */
  private async writeResolving(
    batch: readonly string[] | Buffer,
  ): Promise<"done" | { retryAfterMs: number | undefined; unreachable: boolean }> {
    const started = process.hrtime.bigint();
    const outcome: WriteOutcome = await this.client.write(batch);
    this.metrics.influxWriteDuration.observe(Number(process.hrtime.bigint() - started) / 1e9);
    if (outcome.ok) return "done";
    if (outcome.status === 413 || outcome.partial) {
      // Only now are the lines needed one by one.
      const lines = Buffer.isBuffer(batch) ? batchLines({ body: batch }) : batch;
      if (lines.length === 1) {
        await this.refusePoint(lines[0] as string, outcome.status === 413 ? "point larger than InfluxDB's max-body-size" : outcome.error);
        return "done";
      }
      if (outcome.status === 413) this.metrics.influxWriteErrors.inc({ kind: "413" });
      const middle = Math.ceil(lines.length / 2);
      const first = await this.writeResolving(lines.slice(0, middle));
      if (first !== "done") return first;
      return this.writeResolving(lines.slice(middle));
    }
    if (outcome.status === 404 && /database not found/.test(outcome.error)) this.prepared = false;
    this.noteFailure(outcome.status === 0 ? "network" : String(outcome.status), `${outcome.status}: ${outcome.error}`);
    if (!outcome.retryable) {
      this.log.error({ status: outcome.status, error: outcome.error }, "InfluxDB refuses writes (configuration?); data stays in the spool");
    }
    return {
      retryAfterMs: outcome.retryAfterMs ?? (outcome.retryable ? undefined : this.options.maxRetryDelayMs),
      unreachable: outcome.status === 0 && UNREACHABLE_ERRORS.has(outcome.error),
    };
  }

  private async refusePoint(line: string, error: string): Promise<void> {
    this.metrics.deadLettered.inc({ reason: "influx_rejected" });
    this.metrics.messagesRejected.inc("influx_rejected");
    this.log.error({ line: line.slice(0, 300), error }, "InfluxDB refused a point; it is in the dead-letter log");
    await this.deadLetter.append({ at: new Date().toISOString(), kind: "point", reasons: ["influx_rejected"], line, error });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
