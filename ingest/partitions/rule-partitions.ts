// Which instance runs the rules of an observation (docs/scaling.md, "Rule state by subject"). An
// instance owns some partitions of the subject space; an observation of a subject it owns runs
// through its rules at once, the others are published at QoS 1 on their partition's topic, where
// the owner's persistent session picks them up. The message is acknowledged to its sender only
// after both the spool and the broker have them (ingest/pipeline.ts), so a crash in between means a
// redelivery: the spool's points are idempotent in InfluxDB, and rules see a repeated fix as one
// more fix of the same time.
import { topics } from "../../broker/topics.js";
import type { Envelope } from "../envelope.js";
import type { Observation } from "../observation.js";
import { encodeForwardedBatch } from "./forwarded-batch.js";
import { partitionOf, subjectOf } from "./partition-of.js";

interface Pending {
  items: { envelope: Envelope; observations: Observation[] }[];
  observations: number;
  sent: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** A hand-over payload is sent at the end of the current turn of the event loop, or at this many observations. */
const MAX_BATCH_OBSERVATIONS = 1000;

export class RulePartitions {
  readonly ownsAll: boolean;
  /** Per partition, the hand-over being gathered in this turn: messages ingested together share one publish. */
  private readonly pending = new Map<number, Pending>();

  constructor(
    readonly count: number,
    readonly owned: ReadonlySet<number>,
    readonly group: string,
    /** Publishes at QoS 1; resolves once the broker has the message (PUBACK, or routed by aedes). */
    private readonly publish: (topic: string, payload: string) => Promise<void>,
    /** Told how many observations each call hands over (metrics). */
    private readonly onForward: (observations: number) => void = () => undefined,
  ) {
    this.ownsAll = owned.size === count;
  }

  isLocal(observation: Observation): boolean {
    return this.ownsAll || this.owned.has(partitionOf(subjectOf(observation), this.count));
  }

  /**
   * Hands observations of partitions owned elsewhere to their owners; resolves when the broker has
   * every one of them. Order is kept per partition: one payload per partition and turn, in arrival order.
   */
  forward(observations: readonly Observation[], envelope: Envelope): Promise<void> {
    this.onForward(observations.length);
    const byPartition = new Map<number, Observation[]>();
    for (const observation of observations) {
      const partition = partitionOf(subjectOf(observation), this.count);
      const list = byPartition.get(partition);
      if (list) list.push(observation);
      else byPartition.set(partition, [observation]);
    }
    const sends: Promise<void>[] = [];
    for (const [partition, list] of byPartition) {
      let batch = this.pending.get(partition);
      if (!batch) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const sent = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        batch = { items: [], observations: 0, sent, resolve, reject };
        this.pending.set(partition, batch);
        setImmediate(() => this.send(partition, batch as Pending));
      }
      batch.items.push({ envelope, observations: list });
      batch.observations += list.length;
      sends.push(batch.sent);
      if (batch.observations >= MAX_BATCH_OBSERVATIONS) this.send(partition, batch);
    }
    return sends.length === 1 ? (sends[0] as Promise<void>) : Promise.all(sends).then(() => undefined);
  }

  private send(partition: number, batch: Pending): void {
    if (this.pending.get(partition) !== batch) return; // already sent (full) before its turn ended
    this.pending.delete(partition);
    this.publish(topics.rulePartition(this.group, partition), encodeForwardedBatch(batch.items)).then(batch.resolve, batch.reject);
  }
}
