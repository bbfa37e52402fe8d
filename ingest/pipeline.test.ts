// The pipeline's rule stage with rule partitions: owned subjects' rules run here, the others are
// handed to their owner, views run for everything, and the sender is acknowledged only when the
// spool and the hand-over both succeeded.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseDataTopic, topics } from "../broker/topics.js";
import { loadConfig } from "../hub/config.js";
import { createLogger } from "../hub/logger.js";
import { HubMetrics } from "../hub/metrics.js";
import { stationInPartition } from "../test/support/partition-subjects.js";
import { tempDir } from "../test/support/temp-dir.js";
import { DeadLetterLog } from "./dead-letter.js";
import { decoders } from "./decoders/registry.js";
import type { Envelope } from "./envelope.js";
import type { Observation } from "./observation.js";
import { decodeForwardedBatch } from "./partitions/forwarded-batch.js";
import { RulePartitions } from "./partitions/rule-partitions.js";
import { IngestPipeline, NotAcceptedError } from "./pipeline.js";
import { SchemaRegistry } from "./schema-registry.js";

const stationIn = (partition: number) => stationInPartition(partition, 2, "wq-p");

function reading(station: string): Envelope {
  const topic = topics.sensorData(station);
  const data = parseDataTopic(topic);
  if (!data) throw new Error("not a data topic");
  return {
    via: "mqtt",
    format: data.format,
    deviceId: station,
    deviceKind: "water",
    subjectId: station,
    topic,
    receivedAt: Date.now(),
    bytes: Buffer.from(JSON.stringify({ time: Date.now() - 1000, kind: "water", values: { ph: 7.2 } })),
  };
}

describe("IngestPipeline with rule partitions (this instance owns partition 0 of 2)", () => {
  let dir: ReturnType<typeof tempDir>;
  let stored: string[];
  let ruled: Observation[];
  let viewed: Observation[];
  let published: { topic: string; payload: string }[];
  let publishFails: boolean;
  let pipeline: IngestPipeline;

  beforeEach(() => {
    dir = tempDir("pipeline");
    [stored, ruled, viewed, published, publishFails] = [[], [], [], [], false];
    const config = loadConfig({ env: {} });
    pipeline = new IngestPipeline({
      schemas: new SchemaRegistry(),
      decoders,
      sink: { append: async (text) => void stored.push(text) },
      deadLetter: new DeadLetterLog(join(dir.path, "dead-letter"), config.deadLetter),
      metrics: new HubMetrics({ processMetrics: false }),
      log: createLogger("silent"),
      limits: config.ingest,
      rules: [(o) => void ruled.push(o)],
      views: [(o) => void viewed.push(o)],
      partitions: new RulePartitions(2, new Set([0]), "ioc-rules", async (topic, payload) => {
        if (publishFails) throw new Error("broker unreachable");
        published.push({ topic, payload });
      }),
    });
  });
  afterEach(() => dir.remove());

  it("runs the rules of an owned station here, and hands the other's to partition 1; stores and views both", async () => {
    const [own, other] = [stationIn(0), stationIn(1)];
    await pipeline.ingest(reading(own));
    await pipeline.ingest(reading(other));
    expect(ruled.map((o) => (o as { station: string }).station)).toEqual([own]);
    expect(viewed.map((o) => (o as { station: string }).station)).toEqual([own, other]);
    expect(stored).toHaveLength(2);
    expect(published.map((p) => p.topic)).toEqual(["ioc/v1/internal/rules/ioc-rules/1"]);
    const items = decodeForwardedBatch(Buffer.from((published[0] as { payload: string }).payload));
    expect(items).toMatchObject([{ envelope: { deviceId: other }, observations: [{ station: other, values: { ph: 7.2 } }] }]);

    // The owner applies them with applyRules, as if they had arrived there.
    if ("error" in items) throw new Error(items.error);
    for (const item of items) pipeline.applyRules(item.observations, item.envelope);
    expect(ruled.map((o) => (o as { station: string }).station)).toEqual([own, other]);
  });

  it("gathers the hand-overs of messages ingested in the same turn into one payload, in order", async () => {
    const other = stationIn(1);
    await Promise.all([0, 1, 2].map(() => pipeline.ingest(reading(other))));
    expect(published).toHaveLength(1);
    const items = decodeForwardedBatch(Buffer.from((published[0] as { payload: string }).payload));
    if ("error" in items) throw new Error(items.error);
    expect(items.map((i) => i.envelope.deviceId)).toEqual([other, other, other]);
    expect(items.map((i) => i.envelope.receivedAt)).toEqual([...items.map((i) => i.envelope.receivedAt)].sort((a, b) => a - b));
  });

  it("does not acknowledge a message whose observations could not be handed over, and says why", async () => {
    publishFails = true;
    const error = await pipeline.ingest(reading(stationIn(1))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAcceptedError);
    expect((error as NotAcceptedError).rejection).toMatchObject({ reason: "rules_unavailable", message: /broker unreachable/ });
    const dead = readFileSync(join(dir.path, "dead-letter", "dead-letter.jsonl"), "utf8");
    expect(JSON.parse(dead.trim())).toMatchObject({ reasons: ["rules_unavailable"] });
    // An owned station does not depend on the broker.
    await expect(pipeline.ingest(reading(stationIn(0)))).resolves.toMatchObject({ rejections: [] });
  });
});
