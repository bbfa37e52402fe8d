import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageRoot } from "./package-root.js";
import { type DebugFactory, silentWhenDisabled } from "./silent-debug.js";

const require = createRequire(import.meta.url);
const realDebug = createRequire(require.resolve("mqtt-packet"))("debug") as DebugFactory & {
  enable(namespaces: string): void;
  disable(): string;
};

describe("silentWhenDisabled", () => {
  it.each([
    { enabled: "", namespace: "mqtt-packet:parser", silent: true },
    { enabled: "aedes:*", namespace: "mqtt-packet:parser", silent: true },
    { enabled: "mqtt-packet:*", namespace: "mqtt-packet:parser", silent: false },
    { enabled: "*", namespace: "aedes", silent: false },
  ])("DEBUG=$enabled: $namespace silent=$silent", ({ enabled, namespace, silent }) => {
    const before = realDebug.disable();
    realDebug.enable(enabled);
    try {
      const logger = silentWhenDisabled(realDebug)(namespace);
      expect(logger.enabled).toBe(!silent);
      expect(logger.namespace).toBe(namespace);
      if (silent) {
        const lines: unknown[] = [];
        const log = (realDebug as unknown as { log: unknown }).log;
        (realDebug as unknown as { log: unknown }).log = (...args: unknown[]) => lines.push(args);
        logger("%o", { a: 1 });
        (realDebug as unknown as { log: unknown }).log = log;
        expect(lines).toEqual([]);
        expect(logger.extend("sub").namespace).toBe(`${namespace}:sub`);
        expect(logger.extend("sub", "/").enabled).toBe(false);
      } else {
        expect(logger.toString()).toContain("formatters");
      }
    } finally {
      realDebug.enable(before);
    }
  });

  it("keeps the package's own helpers", () => {
    const wrapped = silentWhenDisabled(realDebug);
    expect(wrapped.enable).toBe(realDebug.enable);
    expect(wrapped.formatters).toBe(realDebug.formatters);
  });
});

describe("installSilentDebug in a fresh process", () => {
  const script = `
    const { installSilentDebug } = await import(${JSON.stringify(pathToFileURL(join(packageRoot, "dist", "hub", "silent-debug.js")).href)});
    const { createRequire } = await import("node:module");
    const r = createRequire(createRequire(import.meta.url).resolve("mqtt-packet"));
    const logger = r("debug")("mqtt-packet:parser");
    process.stdout.write(JSON.stringify({ enabled: logger.enabled, silent: !logger.toString().includes("formatters"), again: installSilentDebug().length }));
  `;
  const run = (env: Record<string, string>) => {
    // The built module (test/support/global-setup.ts builds dist/ first), as the hub runs it.
    const out = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
      encoding: "utf8",
    });
    expect(out.stderr).toBe("");
    return JSON.parse(out.stdout) as { enabled: boolean; silent: boolean; again: number };
  };

  it("replaces the loggers mqtt-packet gets when DEBUG is unset", () => {
    expect(run({})).toEqual({ enabled: false, silent: true, again: 1 });
  });

  it("changes nothing when DEBUG is set", () => {
    expect(run({ DEBUG: "mqtt-packet:parser" })).toEqual({ enabled: true, silent: false, again: 0 });
  });
});
