import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.js";
import { DeadLetterLog } from "./dead-letter.js";

describe("DeadLetterLog", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("dead-letter");
  });
  afterEach(() => dir.remove());

  const record = (i: number) => ({
    at: new Date(0).toISOString(),
    kind: "message" as const,
    reasons: ["json_invalid"],
    deviceId: `d${i}`,
    payloadBase64: "x".repeat(200),
  });

  it("appends JSON lines in call order", async () => {
    const log = new DeadLetterLog(dir.path, { maxFileBytes: 1 << 20, maxFiles: 3 });
    await Promise.all([0, 1, 2].map((i) => log.append(record(i))));
    await log.close();
    const lines = readFileSync(join(dir.path, "dead-letter.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.deviceId)).toEqual(["d0", "d1", "d2"]);
  });

  it("rotates by size and keeps maxFiles files, newest first", async () => {
    const log = new DeadLetterLog(dir.path, { maxFileBytes: 4096, maxFiles: 3 });
    for (let i = 0; i < 100; i++) await log.append(record(i));
    await log.close();
    expect(readdirSync(dir.path).sort()).toEqual(["dead-letter.1.jsonl", "dead-letter.2.jsonl", "dead-letter.jsonl"]);
    const newest = readFileSync(join(dir.path, "dead-letter.jsonl"), "utf8").trim().split("\n");
    expect(JSON.parse(newest.at(-1) as string).deviceId).toBe("d99");
    const older = readFileSync(join(dir.path, "dead-letter.1.jsonl"), "utf8").trim().split("\n");
    expect(Number(JSON.parse(older.at(-1) as string).deviceId.slice(1))).toBe(
      Number(JSON.parse(newest[0] as string).deviceId.slice(1)) - 1,
    );
    for (const f of readdirSync(dir.path)) expect(readFileSync(join(dir.path, f)).length).toBeLessThanOrEqual(4096);
  });
});
