// A real hub started on a database holding alerts of the past: those that ended more than
// alerts.retentionDays ago are gone from the database and the API, the others stay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertLifecycle } from "../../alerts/alert-lifecycle.js";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import { openDatabase } from "../../store/database.js";
import { doLowTransition } from "../support/alert-transitions.js";
import { type HubProcess, outputMatching, runCli, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

const DAY = 86_400_000;

describe("alert retention in a running hub", () => {
  const dir = tempDir("alert-retention");
  let hub: HubProcess | undefined;
  let token: string;

  beforeAll(() => {
    const now = Date.now();
    const db = openDatabase(dir.path);
    const lifecycle = new AlertLifecycle(db);
    const at = (subject: string, state: AlertTransition["state"], daysAgo: number) => doLowTransition(subject, state, now - daysAgo * DAY);
    lifecycle.apply(at("wq-long-ago", "raised", 400));
    lifecycle.apply(at("wq-long-ago", "cleared", 399));
    lifecycle.apply(at("wq-last-month", "raised", 31));
    lifecycle.apply(at("wq-last-month", "cleared", 30));
    db.close();
    const admin = runCli(["tokens", "add", "ops-admin", "--role", "admin", "--json"], { IOC_DATA_DIR: dir.path });
    expect(admin.status).toBe(0);
    token = (JSON.parse(admin.stdout) as { token: string }).token;
  });
  afterAll(async () => {
    await hub?.stop();
    dir.remove();
  });

  it("deletes at start what ended more than alerts.retentionDays ago", async () => {
    hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd", IOC_ALERTS_RETENTION_DAYS: "365" });
    const listed = async () => {
      const response = await fetch(`${hub?.httpUrl}/api/v1/alerts?limit=100`, { headers: { authorization: `Bearer ${token}` } });
      return ((await response.json()) as { alerts: { subject: string }[] }).alerts.map((a) => a.subject);
    };
    // The sweep runs as the hub starts; its log line says what went.
    const line = (await outputMatching(hub, /deleted alerts that ended past alerts\.retentionDays/))
      .split("\n")
      .find((l) => l.includes("deleted alerts that ended past alerts.retentionDays"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ alerts: 1, events: 2, retentionDays: 365 });
    expect(await listed()).toEqual(["wq-last-month"]);
  });
});
