// Ctrl-C in the terminal that runs the hub: the terminal signals the whole foreground process group.
// The hub stops its managed influxd itself, after its own work; influxd, in a group of its own, is
// not interrupted under it (it was, and its exit was logged as an error at every Ctrl-C of the demo).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startHub } from "../support/hub-process.js";
import { processAlive } from "../support/process-alive.js";
import { tempDir } from "../support/temp-dir.js";

/** The process group of a process (Linux /proc). */
const processGroup = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[2]);

describe("Ctrl-C", () => {
  it("stops the hub and its managed influxd cleanly, without an error", async () => {
    const dir = tempDir("ctrl-c");
    try {
      const hub = await startHub(dir.path, {}, { processGroup: true });
      expect(hub.ports.influx).not.toBeNull();
      const influxdPid = Number(readFileSync(join(dir.path, "influxdb", "influxd.pid"), "utf8"));
      expect(processAlive(influxdPid)).toBe(true);
      // Out of the terminal's reach: a group of its own.
      expect(processGroup(influxdPid)).not.toBe(processGroup(hub.child.pid as number));
      const exited = new Promise<number | null>((resolve) => hub.child.once("exit", (code) => resolve(code)));
      process.kill(-(hub.child.pid as number), "SIGINT");
      expect(await exited).toBe(0);
      const errors = hub
        .output()
        .split("\n")
        .filter((line) => /"level":(50|60)/.test(line));
      expect(errors).toEqual([]);
      expect(processAlive(influxdPid)).toBe(false);
    } finally {
      dir.remove();
    }
  });
});
