// Property-based fuzzing of every registered decoder (and of the config loader below): random bytes,
// random JSON, and mutations of each golden fixture (so the fuzzer gets past the first checks and
// into the format's details). Whatever the input: no exception, every rejection carries a reason
// code from the closed catalogue, every observation holds finite numbers. FUZZ_RUNS sets the budget
// per property (300 in the test suite; `npm run fuzz` runs 20,000).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import type { Envelope } from "../envelope.js";
import type { Observation } from "../observation.js";
import { rejectionReasons } from "../rejection.js";
import { SchemaRegistry } from "../schema-registry.js";
import type { Decoder } from "./decoder.js";
import { decoders } from "./registry.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const schemas = new SchemaRegistry();
const limits = { maxBatchReadings: 1000, maxJsonDepth: 16 };
const fixtures = join(packageRoot, "test", "fixtures", "decoders");

interface Seed {
  bytes: Buffer;
  envelope: Partial<Envelope>;
}

function seeds(format: string): Seed[] {
  const dir = join(fixtures, format);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) => {
    const c = join(dir, name);
    const envelope = existsSync(join(c, "envelope.json"))
      ? (JSON.parse(readFileSync(join(c, "envelope.json"), "utf8")) as Partial<Envelope>)
      : {};
    const bytes = existsSync(join(c, "input.hex"))
      ? Buffer.from(readFileSync(join(c, "input.hex"), "utf8").trim(), "hex")
      : existsSync(join(c, "input.txt"))
        ? readFileSync(join(c, "input.txt"))
        : Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(c, "input.json"), "utf8"))));
    return { bytes, envelope: { ...envelope, deviceKind: envelope.deviceKind ?? undefined } };
  });
}

/** A fixture with bytes flipped, cut, duplicated or spliced with noise. */
function mutated(seed: Seed) {
  return fc
    .array(
      fc.oneof(
        fc.tuple(fc.constant("flip" as const), fc.nat(), fc.integer({ min: 0, max: 255 })),
        fc.tuple(fc.constant("cut" as const), fc.nat(), fc.nat()),
        fc.tuple(fc.constant("insert" as const), fc.nat(), fc.uint8Array({ maxLength: 16 })),
        fc.tuple(fc.constant("repeat" as const), fc.nat(), fc.nat({ max: 64 })),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((edits) => {
      let bytes = Buffer.from(seed.bytes);
      for (const edit of edits) {
        const at = bytes.length === 0 ? 0 : (edit[1] as number) % bytes.length;
        if (edit[0] === "flip" && bytes.length > 0) bytes[at] = edit[2];
        else if (edit[0] === "cut") bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + (edit[2] % 32))]);
        else if (edit[0] === "insert") bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(edit[2]), bytes.subarray(at)]);
        else if (edit[0] === "repeat") bytes = Buffer.concat([bytes, bytes.subarray(at, at + edit[2])]);
      }
      return { bytes, envelope: seed.envelope };
    });
}

function finiteNumbers(observation: Observation): boolean {
  const numbers: unknown[] = [observation.timeMs];
  if (observation.type === "sensor_reading") numbers.push(...Object.values(observation.values));
  if (observation.type === "vessel_position")
    numbers.push(observation.lat, observation.lon, observation.sogKn ?? 0, observation.cogDeg ?? 0);
  return numbers.every((n) => typeof n === "number" && Number.isFinite(n));
}

function check(decoder: Decoder, format: string, input: Seed): void {
  const envelope: Envelope = {
    via: "mqtt",
    format,
    deviceId: "fuzz-device",
    subjectId: "fuzz-subject",
    receivedAt: Date.parse("2026-11-23T01:00:00Z"),
    ...input.envelope,
    bytes: input.bytes,
  } as Envelope;
  const result = decoder.decode(envelope, { schemas, limits });
  for (const r of result.rejections) {
    expect(Object.hasOwn(rejectionReasons, r.reason), `unknown reason ${r.reason}`).toBe(true);
    expect(r.message.length).toBeGreaterThan(0);
  }
  for (const o of result.observations) expect(finiteNumbers(o), JSON.stringify(o)).toBe(true);
}

describe("fuzzing every decoder", () => {
  for (const [format, decoder] of decoders) {
    const known = seeds(format);
    it(`${format}: random bytes and random JSON`, () => {
      const envelope = known[0]?.envelope ?? {};
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
            fc.json({ maxDepth: 6 }).map((j) => Buffer.from(j)),
            fc.fullUnicodeString({ maxLength: 200 }).map((s) => Buffer.from(s)),
          ),
          (bytes) => check(decoder, format, { bytes, envelope }),
        ),
        { numRuns: RUNS },
      );
    });
    it(`${format}: mutations of its ${known.length} golden fixtures`, () => {
      expect(known.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.oneof(...known.map((seed) => mutated(seed))), (input) => check(decoder, format, input)),
        { numRuns: RUNS },
      );
    });
  }
});
