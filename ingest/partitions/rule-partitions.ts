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

export class RulePartitions {
  readonly ownsAll: boolean;

  constructor(
    readonly count: number,
    readonly owned: ReadonlySet<number>,
    readonly group: string,
    /** Publishes at QoS 1; resolves once the broker has the message (PUBACK, or routed by aedes). */
    private readonly publish: (topic: string, payload: string) => Promise<void>,
  ) {
    this.ownsAll = owned.size === count;
  }

  isLocal(observation: Observation): boolean {
    return this.ownsAll || this.owned.has(partitionOf(subjectOf(observation), this.count));
  }

  /** Sends observations of partitions owned elsewhere to their owners, one message per partition. */
  forward(observations: readonly Observation[], envelope: Envelope): Promise<void> {
    const byPartition = new Map<number, Observation[]>();
    for (const observation of observations) {
      const partition = partitionOf(subjectOf(observation), this.count);
      const list = byPartition.get(partition);
      if (list) list.push(observation);
      else byPartition.set(partition, [observation]);
    }
    return Promise.all(
      [...byPartition].map(([partition, list]) =>
        this.publish(topics.rulePartition(this.group, partition), encodeForwardedBatch(envelope, list)),
      ),
    ).then(() => undefined);
  }
}
