// The chaos soak, short: 20 SIGKILLs of the hub at random points, influxd stopped and started, the
// spool filling towards a small cap — every acknowledged reading in InfluxDB exactly once, nothing
// extra, every alert event recorded, no alert duplicated. `npm run soak` runs the long version.
import { describe, expect, it } from "vitest";
import { runChaosSoak } from "../support/chaos-soak.js";

describe("chaos soak (short)", () => {
  it("loses nothing acknowledged across 20 SIGKILLs and InfluxDB outages", async () => {
    const report = await runChaosSoak({
      kills: 20,
      stations: 3,
      readingsPerStation: 1500,
      lifeMs: [300, 1500],
      seed: 11,
      deadlineMs: 240_000,
      log: (line) => line.includes("missing") && process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`chaos soak: ${JSON.stringify(report)}\n`);
    expect(report.kills).toBe(20);
    expect(report.influxRestarts).toBeGreaterThanOrEqual(4);
    expect(report.acked).toBe(3 * 1500);
    expect(report.missing).toBe(0);
    expect(report.wrongValue).toBe(0);
    expect(report.extra).toBe(0);
    expect(report.storedReadings).toBe(3 * 1500);
    expect(report.alerts).toBeGreaterThan(0);
    expect(report.alertEventsMissingInInflux).toBe(0);
    expect(report.openAlertsPerSubjectMax).toBeLessThanOrEqual(1);
  }, 300_000);
});
