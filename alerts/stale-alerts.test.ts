// Table test: which open alerts a new rules config no longer judges, and why.
import { describe, expect, it } from "vitest";
import type { AlertRow } from "./alert-store.js";
import type { RulesConfig } from "./rules-config.js";
import { alertsNoLongerJudged } from "./stale-alerts.js";

const open = (rule: string, subject: string, detail: string, domain: AlertRow["domain"] = "environment"): AlertRow =>
  ({ rule, subject, detail, domain, severity: "warning", kind: "quality", state: "raised" }) as AlertRow;

const before: RulesConfig = {
  sensor: [
    { id: "pm25-high", rule: "threshold", quantity: "pm25", params: { above: 150 } },
    { id: "o3-high", rule: "threshold", quantity: "o3", params: { above: 200 } },
    { id: "flat-line", rule: "flat-line", quantity: ["pm25", "humidity"] },
    { id: "station-offline", rule: "offline", quantity: "*" },
  ],
  vessel: {},
};

const rows: { name: string; next: RulesConfig; alert: AlertRow; why?: string }[] = [
  { name: "an unchanged entry still judges its alert", next: before, alert: open("pm25-high", "aq-a", "pm25") },
  {
    name: "an entry removed",
    next: { ...before, sensor: before.sensor.filter((e) => e.id !== "pm25-high") },
    alert: open("pm25-high", "aq-a", "pm25"),
    why: "rule pm25-high was removed from the rules config",
  },
  {
    name: "an entry that became another kind of rule (its state starts afresh)",
    next: {
      ...before,
      sensor: before.sensor.map((e) => (e.id === "o3-high" ? { ...e, rule: "sustained", params: { above: 200, mode: "mean" } } : e)),
    },
    alert: open("o3-high", "aq-a", "o3"),
    why: "rule o3-high is now a sustained rule (was threshold)",
  },
  {
    name: "a quantity the entry no longer watches",
    next: { ...before, sensor: before.sensor.map((e) => (e.id === "flat-line" ? { ...e, quantity: ["pm25"] } : e)) },
    alert: open("flat-line", "aq-a", "humidity"),
    why: "rule flat-line no longer watches humidity",
  },
  {
    name: "an entry disabled for the station",
    next: {
      ...before,
      sensor: before.sensor.map((e) => (e.id === "station-offline" ? { ...e, stations: { "aq-b": { enabled: false } } } : e)),
    },
    alert: open("station-offline", "aq-b", "station"),
    why: "rule station-offline is disabled for aq-b",
  },
  {
    name: 'a station-scope entry watches every quantity (its alerts\' detail is "station")',
    next: before,
    alert: open("station-offline", "aq-a", "station"),
  },
  {
    name: "fisheries alerts and vessel providers' outages are the vessel rules' business",
    next: { ...before, sensor: [] },
    alert: open("provider-outage", "rx-thuan-an", "", "system"),
  },
  {
    name: "a feed outage stands while an offline entry judges stations",
    next: before,
    alert: open("feed-outage", "gw-lagoon", "", "system"),
  },
  {
    name: "a feed outage once no offline entry is left (nothing would end it)",
    next: { ...before, sensor: before.sensor.filter((e) => e.rule !== "offline") },
    alert: open("feed-outage", "gw-lagoon", "", "system"),
    why: "no offline entry left in the rules config",
  },
];

describe("alerts no longer judged", () => {
  it.each(rows.map((row) => [row.name, row] as const))("%s", (_, row) => {
    const cleared = alertsNoLongerJudged([row.alert], row.next, 1000, before);
    if (row.why === undefined) {
      expect(cleared).toEqual([]);
      return;
    }
    expect(cleared).toEqual([
      {
        rule: row.alert.rule,
        domain: row.alert.domain,
        severity: "warning",
        subject: row.alert.subject,
        ...(row.alert.detail && { detail: row.alert.detail }),
        kind: "quality",
        state: "cleared",
        timeMs: 1000,
        message: `no longer judged: ${row.why}`,
      },
    ]);
  });

  it("cannot tell a change of rule type without the config it replaces (at start): the rest it tells", () => {
    const next = { ...before, sensor: before.sensor.map((e) => (e.id === "o3-high" ? { ...e, rule: "sustained" } : e)) };
    expect(alertsNoLongerJudged([open("o3-high", "aq-a", "o3")], next, 1000)).toEqual([]);
    expect(alertsNoLongerJudged([open("gone", "aq-a", "pm25")], next, 1000)).toHaveLength(1);
  });
});
