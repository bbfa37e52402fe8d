// The ioc-hub command line, run as a user would.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

describe("ioc-hub CLI", () => {
  const dir = tempDir("cli");
  const env = { IOC_DATA_DIR: dir.path };
  afterAll(() => dir.remove());

  it("adds a device and prints its password once, as text or JSON", () => {
    const text = runCli(["devices", "add", "hue-air-01", "--kind", "air"], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^password: [A-Za-z0-9_-]{32}$/m);
    const json = runCli(["devices", "add", "wq-01", "--kind", "water", "--json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: "wq-01",
      kind: "water",
      role: "device",
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    const list = JSON.parse(runCli(["devices", "list", "--json"], env).stdout) as { id: string; password?: string }[];
    expect(list.map((d) => d.id)).toEqual(["hue-air-01", "wq-01"]);
    expect(list.every((d) => d.password === undefined)).toBe(true);
  });

  it("disables, enables and rotates", () => {
    expect(runCli(["devices", "disable", "wq-01"], env).stdout).toContain("wq-01: disabled");
    expect(runCli(["devices", "enable", "wq-01"], env).stdout).toContain("wq-01: enabled");
    const rotated = JSON.parse(runCli(["devices", "rotate", "wq-01", "--json"], env).stdout);
    expect(rotated.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("explains mistakes with exit code 2", () => {
    const noKind = runCli(["devices", "add", "x"], env);
    expect(noKind.status).toBe(2);
    expect(noKind.stderr).toContain("needs --kind");
    expect(runCli(["devices", "add", "x", "--kind", "rocket"], env).stderr).toContain("kind must be one of");
    expect(runCli(["devices", "rotate", "ghost"], env).stderr).toContain('no device "ghost"');
    expect(runCli(["launch"], env).status).toBe(2);
  });

  it("refuses a bad configuration naming the key, before touching anything", () => {
    const bad = runCli(["start"], { ...env, IOC_MQTT_PORT: "not-a-port" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("mqtt.port must be integer (from IOC_MQTT_PORT)");
    const file = join(dir.path, "hub.json");
    writeFileSync(file, JSON.stringify({ spool: { onFull: "panic" } }));
    const badFile = runCli(["start", "--config", file], env);
    expect(badFile.status).toBe(2);
    expect(badFile.stderr).toContain("spool.onFull must be equal to one of the allowed values");
  });
});
