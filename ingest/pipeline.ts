// The one straight line (DESIGN.md §1): Envelope → decoder → validation → Observations → rules → sink.
// Wired once by hub/main.ts; every transport calls ingest() and acknowledges only after it resolves.
import type { Logger } from "../hub/logger.js";
import type { HubMetrics } from "../hub/metrics.js";
import type { DeadLetterLog } from "./dead-letter.js";
import type { DecodeLimits, Decoder } from "./decoders/decoder.js";
import type { Envelope } from "./envelope.js";
import type { Observation } from "./observation.js";
import { type TimeLimits, checkObservation } from "./observation-checks.js";
import { RefusalLogGate } from "./refusal-log-gate.js";
import { type Rejection, reject } from "./rejection.js";
import type { SchemaRegistry } from "./schema-registry.js";
import type { RulePartitions } from "./partitions/rule-partitions.js";
import { SpoolFullError } from "./sink/spool.js";
import { toLineProtocol } from "./sink/line-protocol.js";
import { TurnBudget } from "./turn-budget.js";

/** A rule stage: sees every accepted observation, in order, before it is stored. */
export type ObservationRule = (observation: Observation, envelope: Envelope) => void;

export interface LineSink {
  append(text: string, lines: number): Promise<void>;
}

export interface PipelineDeps {
  schemas: SchemaRegistry;
  decoders: ReadonlyMap<string, Decoder>;
  sink: LineSink;
  deadLetter: DeadLetterLog;
  metrics: HubMetrics;
  log: Logger;
  limits: DecodeLimits & TimeLimits;
  /** Identity stage: e.g. an AIS report becomes the registered vessel's. */
  resolve?: (observation: Observation) => Observation;
  /** Stateful rules, keyed by subject: run here for owned partitions, by the owner for the rest. */
  rules?: ObservationRule[];
  /** Stateless views (the live map): run where the message arrives, for every observation. */
  views?: ObservationRule[];
  /** Partitions of rule state across instances; without, every rule runs here. */
  partitions?: RulePartitions;
  /** Tells the sender (e.g. on ioc/v1/errors/{deviceId}); called once per rejection. */
  onRejected?: (envelope: Envelope, rejection: Rejection) => void;
}

export interface IngestOutcome {
  /** Observations stored. A count, not the observations: see process(). */
  accepted: number;
  rejections: readonly Rejection[];
}

/** Thrown when the sink cannot take data; the transport must not acknowledge the message. */
export class NotAcceptedError extends Error {
  override name = "NotAcceptedError";
  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

const MAX_REPORTED_REJECTIONS = 20;
/** The rejections of nearly every message: one shared empty list, not one per message waiting for its commit. */
const NO_REJECTIONS: readonly Rejection[] = Object.freeze([]);
/** Longest stretch of ingest in one event-loop turn before I/O is served (see turn-budget.ts). */
const INGEST_TURN_BUDGET_MS = 20;
/** Errors of the data directory itself: full, read-only, over quota, failing. */
const STORAGE_ERRORS = new Set(["ENOSPC", "EROFS", "EDQUOT", "EIO", "EACCES", "EPERM"]);

export class IngestPipeline {
  private readonly rules: ObservationRule[];
  private readonly views: ObservationRule[];
  private readonly turns = new TurnBudget(INGEST_TURN_BUDGET_MS);
  private readonly refusalLog = new RefusalLogGate();

  constructor(private readonly deps: PipelineDeps) {
    this.rules = deps.rules ?? [];
    this.views = deps.views ?? [];
  }

  /** Runs the stateful rules on observations of owned partitions (also those forwarded by other instances). */
  applyRules(observations: readonly Observation[], envelope: Envelope): void {
    for (const observation of observations) for (const rule of this.rules) rule(observation, envelope);
  }

  /** Messages received and not yet started (a burst past one turn's budget). */
  get waiting(): number {
    return this.turns.waiting;
  }

  /** Decodes, checks, runs the rules and spools one message; resolves once it is durable (or refused). */
  ingest(envelope: Envelope): Promise<IngestOutcome> {
    return this.turns.run(() => this.process(envelope));
  }

  // Synchronous up to the spool, then one promise chain: no async function, whose frame would keep
  // every local of each of the ~3,200 messages in flight alive until its group commit. For the same
  // reason the chain holds only the observations' types, not the observations: whatever waits for
  // the commit outlives a scavenge and is copied by it (V8's sampling profiler: the observations
  // were a fifth of what the hub's ingest kept past a scavenge in the fan-in).
  private process(envelope: Envelope): Promise<IngestOutcome> {
    const { metrics } = this.deps;
    metrics.messagesReceived.inc(envelope.via);
    const accepted: Observation[] = [];
    const rejections: Rejection[] = [];
    const decoder = this.deps.decoders.get(envelope.format);
    if (!decoder) {
      rejections.push(reject("format_unsupported", `no decoder for format "${envelope.format}" yet`));
    } else {
      try {
        const result = decoder.decode(envelope, { schemas: this.deps.schemas, limits: this.deps.limits });
        for (const rejection of result.rejections) rejections.push(rejection);
        for (const observation of result.observations) {
          const problem = checkObservation(observation, envelope.receivedAt, this.deps.limits);
          if (problem) rejections.push(problem);
          else accepted.push(this.deps.resolve ? this.deps.resolve(observation) : observation);
        }
      } catch (error) {
        this.deps.log.error({ err: error, format: envelope.format, deviceId: envelope.deviceId }, "decoder failed");
        rejections.push(reject("internal_error", "the hub failed to decode this message"));
      }
    }
    const partitions = this.deps.partitions;
    let forwarded: Promise<void> | undefined;
    if (!partitions || partitions.ownsAll) this.applyRules(accepted, envelope);
    else {
      const elsewhere: Observation[] = [];
      for (const observation of accepted) {
        if (partitions.isLocal(observation)) for (const rule of this.rules) rule(observation, envelope);
        else elsewhere.push(observation);
      }
      if (elsewhere.length > 0) forwarded = partitions.forward(elsewhere, envelope);
    }
    for (const observation of accepted) for (const view of this.views) view(observation, envelope);
    const outcome: IngestOutcome = { accepted: accepted.length, rejections: rejections.length === 0 ? NO_REJECTIONS : rejections };
    if (accepted.length === 0) return this.settle(envelope, outcome);
    let text = "";
    const types: Observation["type"][] = [];
    for (const observation of accepted) {
      text += `${toLineProtocol(observation)}\n`;
      types.push(observation.type);
    }
    // The spool and the hand-over to other instances' rules run together; both must succeed
    // before the sender gets its acknowledgement.
    forwarded?.catch(() => undefined); // awaited below, after the spool
    let spooled: Promise<void>;
    try {
      spooled = this.deps.sink.append(text, accepted.length);
    } catch (error) {
      spooled = Promise.reject(error); // a sink that throws is refused like one that rejects
    }
    return spooled.then(
      () =>
        forwarded
          ? forwarded.then(
              () => this.stored(envelope, types, outcome),
              (error) => this.handOverFailed(envelope, error),
            )
          : this.stored(envelope, types, outcome),
      (error) => this.spoolFailed(envelope, error),
    );
  }

  /** Called from the spool's promise: a plain outcome (the common case) resolves it without another promise. */
  private stored(
    envelope: Envelope,
    types: readonly Observation["type"][],
    outcome: IngestOutcome,
  ): IngestOutcome | Promise<IngestOutcome> {
    const { metrics } = this.deps;
    metrics.messagesAccepted.inc(envelope.via);
    for (const type of types) metrics.observationsAccepted.inc(type);
    return outcome.rejections.length === 0 ? outcome : this.settle(envelope, outcome);
  }

  /** The outcome, once the message's rejections (if any) are reported. */
  private settle(envelope: Envelope, outcome: IngestOutcome): Promise<IngestOutcome> {
    if (outcome.rejections.length === 0) return Promise.resolve(outcome);
    return this.refuse(envelope, outcome.rejections).then(() => outcome);
  }

  private spoolFailed(envelope: Envelope, error: unknown): Promise<never> {
    const code = (error as NodeJS.ErrnoException).code;
    const rejection =
      error instanceof SpoolFullError
        ? reject("spool_full", error.message)
        : code !== undefined && STORAGE_ERRORS.has(code)
          ? reject("storage_unavailable", `the hub cannot write to its disk (${code}); resend later`)
          : reject("internal_error", `the spool could not store the message: ${(error as Error).message}`);
    return this.notAccepted(envelope, rejection);
  }

  private handOverFailed(envelope: Envelope, error: unknown): Promise<never> {
    const rejection = reject(
      "rules_unavailable",
      `the observations could not be handed to their rule partition: ${(error as Error).message}; resend later`,
    );
    return this.notAccepted(envelope, rejection);
  }

  private notAccepted(envelope: Envelope, rejection: Rejection): Promise<never> {
    return this.refuse(envelope, [rejection]).then(() => {
      throw new NotAcceptedError(rejection);
    });
  }

  /** Counts, logs, dead-letters and reports the rejections of one message. */
  private async refuse(envelope: Envelope, rejections: readonly Rejection[]): Promise<void> {
    const { metrics, log, deadLetter, onRejected } = this.deps;
    for (const r of rejections) metrics.messagesRejected.inc(r.reason);
    const reasons = [...new Set(rejections.map((r) => r.reason))];
    const refusedThisMinute = this.refusalLog.admit(envelope.deviceId);
    if (refusedThisMinute !== undefined) {
      log.warn(
        { deviceId: envelope.deviceId, topic: envelope.topic, port: envelope.port, reasons, first: rejections[0], refusedThisMinute },
        `message refused: ${rejections.length === 1 ? (rejections[0] as Rejection).message : `${rejections.length} problems`}`,
      );
    }
    rejections.forEach((r, i) => {
      if (i < MAX_REPORTED_REJECTIONS) onRejected?.(envelope, r);
    });
    for (const reason of reasons) metrics.deadLettered.inc({ reason });
    // A dead-letter log that cannot be written (disk full) must not turn a refusal into a failure.
    await deadLetter
      .append({
        at: new Date().toISOString(),
        kind: "message",
        reasons,
        deviceId: envelope.deviceId,
        topic: envelope.topic ?? envelope.port,
        via: envelope.via,
        rejections,
        payloadBase64: envelope.bytes.toString("base64"),
      })
      .catch((error) => log.error({ err: error, deviceId: envelope.deviceId }, "could not write the dead-letter log"));
  }
}
