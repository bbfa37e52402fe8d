// Fuzzing the config loader: any file content and any IOC_* environment either gives a valid
// configuration or a ConfigError naming what is wrong — never another exception.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.js";
import { ConfigError, envName, loadConfig, settingPaths } from "./config.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const dir = tempDir("config-fuzz");
afterAll(() => dir.remove());
const names = settingPaths().map((p) => envName(p));

function load(options: { file?: string; env?: NodeJS.ProcessEnv }): "ok" | "refused" {
  try {
    loadConfig(options);
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.length).toBeGreaterThan(10);
    return "refused";
  }
}

describe("fuzzing the config loader", () => {
  it("any environment of IOC_* settings", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String))), (env) => {
        load({ env });
      }),
      { numRuns: RUNS },
    );
  });

  it("any JSON file, and config-shaped JSON with random values (adapters included)", () => {
    const file = join(dir.path, "config.json");
    const shaped = fc.record(
      {
        mqtt: fc.dictionary(fc.constantFrom("port", "maxPacketBytes", "publishRatePerSecond", "x"), fc.jsonValue()),
        spool: fc.dictionary(fc.constantFrom("maxBytes", "onFull", "commit"), fc.jsonValue()),
        adapters: fc.array(
          fc.record(
            {
              id: fc.oneof(fc.constant("a1"), fc.string()),
              type: fc.constantFrom("serial", "udp", "tcp", "modbus-rtu", "x"),
              path: fc.string(),
              host: fc.string(),
              port: fc.oneof(fc.integer(), fc.string()),
              format: fc.constantFrom("ais-nmea", "sensor-lines", "vms-naf", "nmea-rmc", "x"),
              slaves: fc.jsonValue(),
              lines: fc.jsonValue(),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.json({ maxDepth: 4 }),
          shaped.map((o) => JSON.stringify(o)),
        ),
        (text) => {
          writeFileSync(file, text);
          load({ file, env: {} });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
