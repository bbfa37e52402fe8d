// One golden runner for every registered decoder: test/fixtures/decoders/<format>/<case>/ holds the
// input (input.json, input.txt as raw bytes, or input.hex), an optional envelope.json, and
// expected.json ({ observations, rejections }). A registered decoder without fixtures fails.
// UPDATE_GOLDEN=1 rewrites expected.json from the current output (review the diff before committing).
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import type { Envelope } from "../envelope.js";
import { SchemaRegistry } from "../schema-registry.js";
import { decoders } from "./registry.js";

const fixtures = join(packageRoot, "test", "fixtures", "decoders");
const schemas = new SchemaRegistry();
const limits = { maxBatchReadings: 1000, maxJsonDepth: 16 };
const RECEIVED_AT = Date.parse("2026-11-23T01:00:00.000Z");

function readInput(dir: string): Buffer {
  if (existsSync(join(dir, "input.hex"))) return Buffer.from(readFileSync(join(dir, "input.hex"), "utf8").trim(), "hex");
  if (existsSync(join(dir, "input.txt"))) return readFileSync(join(dir, "input.txt"));
  const json = readFileSync(join(dir, "input.json"), "utf8");
  return Buffer.from(JSON.stringify(JSON.parse(json)));
}

for (const [format, decoder] of decoders) {
  describe(`decoder ${format}`, () => {
    const dir = join(fixtures, format);
    const cases = existsSync(dir) ? readdirSync(dir).sort() : [];

    it("has golden fixtures", () => {
      expect(cases.length, `no fixtures in ${dir}`).toBeGreaterThan(0);
    });

    for (const name of cases) {
      it(name, () => {
        const caseDir = join(dir, name);
        const overrides = existsSync(join(caseDir, "envelope.json"))
          ? (JSON.parse(readFileSync(join(caseDir, "envelope.json"), "utf8")) as Partial<Envelope> & { deviceKind?: string | null })
          : {};
        const envelope: Envelope = {
          via: "mqtt",
          format,
          deviceId: "station-1",
          deviceKind: "air",
          subjectId: "station-1",
          topic: `ioc/v1/sensors/station-1/${format === "senml" ? "senml" : "data"}`,
          receivedAt: RECEIVED_AT,
          bytes: readInput(caseDir),
          ...overrides,
          ...(overrides.deviceKind === null && { deviceKind: undefined }),
        } as Envelope;
        const actual = JSON.parse(JSON.stringify(decoder.decode(envelope, { schemas, limits })));
        const expectedPath = join(caseDir, "expected.json");
        if (process.env.UPDATE_GOLDEN === "1") writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
        expect(existsSync(expectedPath), `missing ${expectedPath}`).toBe(true);
        expect(actual).toEqual(JSON.parse(readFileSync(expectedPath, "utf8")));
      });
    }
  });
}
