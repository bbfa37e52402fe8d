// A line-oriented adapter: bytes from a ByteSource → LineFramer → bounded LineQueue → Envelopes
// (up to MAX_LINES_PER_ENVELOPE lines received within a second) → the ingest pipeline, the same
// path MQTT messages take: decode, validate, rules, spool. Lines are handed over in order, one
// envelope at a time, so multi-sentence AIS messages are reassembled as on the wire.
import { worthLogging } from "../hub/log-throttle.js";
import type { Logger } from "../hub/logger.js";
import type { DeadLetterLog } from "../ingest/dead-letter.js";
import type { Envelope, Via } from "../ingest/envelope.js";
import type { LineAdapterConfig } from "./adapter-config.js";
import { AdapterStatus } from "./adapter-status.js";
import type { ByteSource } from "./byte-source.js";
import { type IngestTarget, deliver } from "./ingest-target.js";
import { LineFramer } from "./line-framer.js";
import { LineQueue, type QueuedLine } from "./line-queue.js";
import { type Session, Supervisor, type SupervisorOptions, defaultSupervisorOptions } from "./supervisor.js";

const MAX_LINES_PER_ENVELOPE = 500;
const ENVELOPE_SPAN_MS = 1000;
const NEWLINE = Buffer.from("\n");

export class LineAdapter {
  readonly status: AdapterStatus;
  private readonly framer: LineFramer;
  private readonly queue: LineQueue;
  private readonly supervisor: Supervisor;
  private draining: Promise<void> | undefined;
  private paused = false;
  /** The earliest reception time the next envelope may carry (see handOver). */
  private nextFreeMs = 0;

  constructor(
    private readonly config: LineAdapterConfig,
    private readonly source: ByteSource,
    private readonly target: IngestTarget,
    private readonly log: Logger,
    private readonly deadLetter?: DeadLetterLog,
    supervisorOptions: SupervisorOptions = defaultSupervisorOptions,
  ) {
    this.status = new AdapterStatus(config.id, config.type, source.address);
    this.queue = new LineQueue(config.queueLines);
    this.framer = new LineFramer(
      config.maxLineBytes,
      { line: (text) => this.enqueue(text), problem: (kind, excerpt) => this.problem(kind, excerpt) },
      config.format === "ais-nmea" || config.format === "nmea-rmc",
    );
    this.supervisor = new Supervisor(this.status, log, this.session, supervisorOptions);
  }

  get address(): string {
    return this.source.address;
  }

  start(): void {
    this.supervisor.start();
  }

  /** Closes the source and hands what is queued to ingest. */
  async stop(): Promise<void> {
    await this.supervisor.stop();
    await this.drain();
  }

  private readonly session: Session = async (signal, up) => {
    let resolveEnd: (error: Error | undefined) => void = () => undefined;
    const ended = new Promise<Error | undefined>((resolve) => {
      resolveEnd = resolve;
    });
    await this.source.open({
      data: (chunk) => {
        this.status.counters.bytes += chunk.length;
        this.framer.push(chunk);
        if (this.source.datagrams) this.framer.push(NEWLINE);
      },
      end: (error) => resolveEnd(error),
    });
    this.status.address = this.source.address; // a UDP port 0 is known only once bound
    up();
    const onAbort = () => resolveEnd(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    const error = await ended;
    signal.removeEventListener("abort", onAbort);
    await this.source.close();
    if (this.framer.reset() > 0) {
      this.status.counters.torn++;
      this.log.warn({ address: this.source.address }, "an unfinished line was lost when the connection ended");
    }
    this.paused = false;
    return error;
  };

  private enqueue(text: string): void {
    if (!this.queue.push({ text, at: Date.now() })) {
      const n = ++this.status.counters.droppedQueueFull;
      if (worthLogging(n)) {
        this.log.warn({ address: this.source.address, dropped: n, capacity: this.queue.capacity }, "adapter queue full: line dropped");
      }
      return;
    }
    this.status.queued = this.queue.length;
    if (this.source.lossless && !this.paused && this.queue.length >= this.queue.capacity * 0.9) {
      this.paused = true;
      this.source.pause();
    }
    this.draining ??= this.drainLoop().finally(() => {
      this.draining = undefined;
    });
  }

  private problem(kind: "overlong" | "garbage", excerpt: Buffer): void {
    const n = ++this.status.counters[kind];
    if (worthLogging(n)) {
      this.log.warn(
        { address: this.source.address, kind, count: n, excerpt: excerpt.toString("latin1") },
        kind === "overlong" ? `line longer than ${this.config.maxLineBytes} bytes dropped` : "noise removed from a line",
      );
    }
    if (kind === "overlong") {
      this.deadLetter
        ?.append({
          at: new Date().toISOString(),
          kind: "message",
          reasons: ["line_too_long"],
          deviceId: this.config.id,
          topic: this.source.address,
          via: this.via,
          payloadBase64: excerpt.toString("base64"),
          error: `a line longer than ${this.config.maxLineBytes} bytes (first ${excerpt.length} bytes kept)`,
        })
        .catch((error) => this.log.error({ err: error }, "could not dead-letter an overlong line"));
    }
  }

  private get via(): Via {
    return this.config.type;
  }

  private drain(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  private async drainLoop(): Promise<void> {
    for (;;) {
      const lines = this.queue.take(MAX_LINES_PER_ENVELOPE, ENVELOPE_SPAN_MS);
      if (lines.length === 0) return;
      await this.handOver(lines);
      this.status.queued = this.queue.length;
      if (this.paused && this.queue.length <= this.queue.capacity * 0.5) {
        this.paused = false;
        this.source.resume();
      }
    }
  }

  private async handOver(lines: QueuedLine[]): Promise<void> {
    // Lines without a time of their own are stamped receivedAt + their index in the envelope (1 ms
    // apart); envelopes start after the previous one's stamps, so that two readings of one station
    // that arrived in the same millisecond never share a timestamp (InfluxDB would keep only one).
    const receivedAt = Math.max((lines[0] as QueuedLine).at, this.nextFreeMs);
    this.nextFreeMs = receivedAt + lines.length;
    const envelope: Envelope = {
      via: this.via,
      format: this.config.format,
      deviceId: this.config.id,
      deviceKind: this.config.kind,
      subjectId: this.config.subject,
      port: this.source.address,
      receivedAt,
      bytes: Buffer.from(lines.map((l) => l.text).join("\n")),
      ...(this.config.lines && { options: this.config.lines }),
    };
    await deliver(this.target, envelope, lines.length, this.status, this.log);
  }
}
