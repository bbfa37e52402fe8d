// The alert state machine over a real SQLite file, closing and reopening the database between steps
// ("restart in each state"): the lifecycle must behave the same whether or not the hub restarted.
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { AlertActionError, AlertLifecycle, defaultLifecycleOptions } from "./alert-lifecycle.js";
import type { AlertEvent } from "./alert-store.js";
import type { AlertTransition } from "./alert-transition.js";

const T0 = Date.parse("2026-11-23T02:00:00Z");
const MIN = 60_000;

function transition(state: AlertTransition["state"], minute: number, extra: Partial<AlertTransition> = {}): AlertTransition {
  return {
    rule: "pm25-high",
    domain: "environment",
    severity: "warning",
    subject: "aq-donre-hue",
    detail: "pm25",
    kind: "quality",
    state,
    timeMs: T0 + minute * MIN,
    message: "PM2.5 above 50 µg/m³",
    value: 62,
    threshold: 50,
    evidence: [{ time: new Date(T0 + minute * MIN).toISOString(), pm25: 62 }],
    ...extra,
  };
}

describe("alert lifecycle", () => {
  const dir = tempDir("alerts");
  let db: Database | undefined;
  let events: AlertEvent[] = [];
  const open = (options = defaultLifecycleOptions) => {
    db?.close();
    db = openDatabase(dir.path);
    const lifecycle = new AlertLifecycle(db, options);
    lifecycle.onEvent((e) => events.push(e));
    return lifecycle;
  };
  afterEach(() => {
    db?.close();
    db = undefined;
    events = [];
    dir.remove();
  });

  it("applies a turn's transitions in one SQLite transaction, as if one by one, and keeps the others when one cannot be recorded", () => {
    const burst = [
      transition("raised", 0),
      transition("raised", 0, { subject: "aq-chan-may" }),
      transition("raised", 1),
      transition("cleared", 2),
      transition("raised", 3, { subject: "aq-hue-city", severity: "critical" }),
    ];
    const failed: AlertTransition[] = [];
    const together = open().applyAll(burst, (t) => failed.push(t));
    const summary = (list: AlertEvent[]) => list.map((e) => `${e.alert.subject}:${e.type}:${e.alert.state}:${e.alert.occurrences}`);
    expect(summary(together)).toEqual([
      "aq-donre-hue:raised:raised:1",
      "aq-chan-may:raised:raised:1",
      "aq-donre-hue:cleared:cleared:2",
      "aq-hue-city:raised:raised:1",
    ]);
    expect(summary(events)).toEqual(summary(together)); // listeners told after the commit, in order
    expect(failed).toEqual([]);
    // The same burst one by one, on a fresh database: the same events.
    dir.remove();
    events = [];
    const single = open();
    expect(summary(burst.flatMap((t) => single.apply(t)))).toEqual(summary(together));
    // One that cannot be recorded (a severity the database refuses) does not take the others with it.
    const bogus = transition("raised", 10, { subject: "aq-bogus", severity: "urgent" as AlertTransition["severity"] });
    const kept = single.applyAll(
      [transition("raised", 10, { subject: "aq-a" }), bogus, transition("raised", 10, { subject: "aq-b" })],
      (t) => failed.push(t),
    );
    expect(kept.map((e) => e.alert.subject)).toEqual(["aq-a", "aq-b"]);
    expect(failed).toEqual([bogus]);
    // A listener that fails is the caller's to hear of; the transitions are recorded once, not retried.
    const off = single.onEvent(() => {
      throw new Error("a channel failed");
    });
    expect(() => single.applyAll([transition("raised", 20, { subject: "aq-c" })], (t) => failed.push(t))).toThrow("a channel failed");
    off();
    const ofC = single.store.query({ subject: "aq-c", limit: 10 });
    expect(ofC.map((a) => [a.state, a.occurrences])).toEqual([["raised", 1]]);
    expect(single.store.audit(ofC[0]?.id as number).map((e) => e.action)).toEqual(["raised"]);
  });

  it("runs raised → acknowledged → cleared → closed with a restart in each state, one alert throughout", () => {
    let lifecycle = open();
    lifecycle.apply(transition("raised", 0));
    lifecycle.apply(transition("raised", 1));
    lifecycle.apply(transition("raised", 2));
    lifecycle = open();
    const [alert] = lifecycle.store.query({ state: "open", limit: 10 });
    expect(alert).toMatchObject({ state: "raised", occurrences: 3 });
    const id = (alert as { id: number }).id;
    lifecycle.acknowledge(id, "operator-lan", "looking at it", T0 + 3 * MIN);
    lifecycle = open();
    lifecycle.apply(transition("raised", 4));
    expect(lifecycle.store.get(id)).toMatchObject({ state: "acknowledged", occurrences: 4 });
    lifecycle.apply(transition("cleared", 5));
    lifecycle = open();
    lifecycle.comment(id, "operator-lan", "a truck idling next to the station", T0 + 6 * MIN);
    lifecycle.close(id, "operator-lan", undefined, T0 + 7 * MIN);
    lifecycle = open();
    expect(lifecycle.store.get(id)).toMatchObject({ state: "closed", closed_by: "operator-lan" });
    expect(events.map((e) => e.type)).toEqual(["raised", "acknowledged", "cleared", "commented", "closed"]);
    expect(lifecycle.store.audit(id).map((a) => [a.action, a.actor, a.comment])).toEqual([
      ["raised", "system", undefined],
      ["acknowledged", "operator-lan", "looking at it"],
      // Why it cleared, from the rule's transition.
      ["cleared", "system", "PM2.5 above 50 µg/m³"],
      ["commented", "operator-lan", "a truck idling next to the station"],
      ["closed", "operator-lan", undefined],
    ]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // Evidence is kept, newest last, bounded.
    expect(events[4]?.alert.evidence).toHaveLength(5);
  });

  it("goes raised → cleared unattended, reopens the same alert within the window and opens a new one after it", () => {
    const lifecycle = open();
    lifecycle.apply(transition("raised", 0));
    lifecycle.apply(transition("cleared", 10));
    lifecycle.apply(transition("raised", 20));
    const [first] = lifecycle.store.query({ limit: 10 });
    expect(first).toMatchObject({ state: "raised", occurrences: 2 });
    lifecycle.apply(transition("cleared", 30));
    lifecycle.apply(transition("raised", 30 + 31));
    const all = lifecycle.store.query({ limit: 10 });
    expect(all.map((a) => [a.id, a.state])).toEqual([
      [2, "raised"],
      [1, "cleared"],
    ]);
    expect(events.map((e) => `${e.alert.id}:${e.type}`)).toEqual(["1:raised", "1:cleared", "1:reopened", "1:cleared", "2:raised"]);
  });

  it("changes severity on the open alert instead of opening another", () => {
    const lifecycle = open();
    lifecycle.apply(transition("raised", 0));
    lifecycle.apply(transition("escalated", 1, { severity: "critical", message: "fishing inside" }));
    lifecycle.apply(transition("raised", 2));
    expect(lifecycle.store.query({ limit: 10 })).toHaveLength(1);
    expect(lifecycle.store.query({ limit: 10 })[0]).toMatchObject({ severity: "critical", message: "fishing inside", occurrences: 3 });
    expect(events.map((e) => e.type)).toEqual(["raised", "severity_changed"]);
  });

  it("keeps one open alert per rule, subject and detail", () => {
    const lifecycle = open();
    lifecycle.apply(transition("raised", 0));
    lifecycle.apply(transition("raised", 0, { detail: "pm10" }));
    lifecycle.apply(transition("raised", 0, { subject: "aq-chan-may" }));
    lifecycle.apply(transition("raised", 1));
    expect(lifecycle.store.query({ state: "open", limit: 10 })).toHaveLength(3);
  });

  it("suppresses the notifications of a flapping alert, and ends flapping after a quiet window", () => {
    const lifecycle = open({ ...defaultLifecycleOptions, flapThreshold: 3 });
    for (let i = 0; i < 5; i++) {
      lifecycle.apply(transition("raised", i * 4));
      lifecycle.apply(transition("cleared", i * 4 + 2));
    }
    expect(lifecycle.store.query({ limit: 10 })).toHaveLength(1);
    const notified = events.filter((e) => e.notify).map((e) => e.type);
    // The third reopen within the hour makes it flapping: from there on nothing is pushed.
    expect(notified).toEqual(["raised", "cleared", "reopened", "cleared", "reopened", "cleared", "flapping_started"]);
    expect(events.filter((e) => !e.notify).length).toBeGreaterThan(0);
    expect(lifecycle.tick(T0 + 30 * MIN)).toEqual([]);
    const ended = lifecycle.tick(T0 + 16 * MIN + 61 * MIN);
    expect(ended.map((e) => [e.type, e.alert.state, e.alert.flapping])).toEqual([["flapping_ended", "cleared", false]]);
  });

  it("mutes the alerts of a subject in a maintenance window: recorded, not notified", () => {
    const lifecycle = open();
    lifecycle.store.db
      .prepare("INSERT INTO maintenance_windows (subject, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run("aq-donre-hue", T0, T0 + 60 * MIN, "filter change", "operator-lan", T0);
    lifecycle.apply(transition("raised", 5));
    lifecycle.apply(transition("raised", 70, { subject: "aq-chan-may" }));
    expect(events.map((e) => [e.alert.subject, e.alert.muted, e.notify])).toEqual([
      ["aq-donre-hue", true, false],
      ["aq-chan-may", false, true],
    ]);
  });

  it("re-notifies an unacknowledged critical alert every N minutes and escalates it once after M", () => {
    const lifecycle = open({ ...defaultLifecycleOptions, renotifyEveryMs: 10 * MIN, escalateAfterMs: 25 * MIN });
    lifecycle.apply(transition("raised", 0, { severity: "critical" }));
    lifecycle.apply(transition("raised", 0, { subject: "aq-chan-may" })); // a warning: never re-notified
    const types = (minute: number) => lifecycle.tick(T0 + minute * MIN).map((e) => `${e.alert.subject}:${e.type}`);
    expect(types(5)).toEqual([]);
    expect(types(10)).toEqual(["aq-donre-hue:renotified"]);
    expect(types(15)).toEqual([]);
    expect(types(20)).toEqual(["aq-donre-hue:renotified"]);
    open();
    const restarted = open({ ...defaultLifecycleOptions, renotifyEveryMs: 10 * MIN, escalateAfterMs: 25 * MIN });
    expect(restarted.tick(T0 + 25 * MIN).map((e) => e.type)).toEqual(["escalated"]);
    expect(restarted.tick(T0 + 26 * MIN)).toEqual([]);
    const id = restarted.store.query({ state: "open", severity: "critical", limit: 1 })[0]?.id as number;
    restarted.acknowledge(id, "operator-lan", undefined, T0 + 27 * MIN);
    expect(restarted.tick(T0 + 60 * MIN)).toEqual([]);
  });

  it("refuses actions that the state machine does not allow", () => {
    const lifecycle = open();
    lifecycle.apply(transition("raised", 0));
    lifecycle.acknowledge(1, "a", undefined, T0 + MIN);
    expect(() => lifecycle.acknowledge(1, "b", undefined, T0 + 2 * MIN)).toThrow(AlertActionError);
    lifecycle.close(1, "a", undefined, T0 + 3 * MIN);
    expect(() => lifecycle.close(1, "a", undefined, T0 + 4 * MIN)).toThrow(/already closed/);
    expect(() => lifecycle.acknowledge(99, "a", undefined)).toThrow(/no alert 99/);
    // After a close, the condition's next raise is a new alert.
    lifecycle.apply(transition("raised", 5));
    expect(lifecycle.store.query({ state: "open", limit: 10 }).map((a) => a.id)).toEqual([2]);
  });

  it("acts on many alerts in one go: each id's outcome, the ones it cannot act on named, the others done", () => {
    const lifecycle = open();
    for (const subject of ["aq-a", "aq-b", "aq-c"]) lifecycle.apply(transition("raised", 0, { subject }));
    lifecycle.apply(transition("raised", 0, { subject: "TTH-1", domain: "fisheries", rule: "mpa-intrusion", detail: undefined }));
    lifecycle.acknowledge(2, "a", undefined, T0 + MIN);
    events = [];
    const environmentOnly = (row: { domain: string }) => row.domain === "environment";
    const outcomes = lifecycle.actOnMany("ack", [1, 2, 3, 4, 99], "desk", "kiểm tra cả ba trạm", environmentOnly, T0 + 2 * MIN);
    expect(outcomes.map(({ id, event, error }) => [id, event?.alert.state ?? error?.code])).toEqual([
      [1, "acknowledged"],
      [2, "conflict"], // acknowledged before
      [3, "acknowledged"],
      [4, "not_found"], // a fisheries alert, not the caller's
      [99, "not_found"],
    ]);
    expect(events.map((e) => [e.type, e.alert.id, e.actor, e.comment])).toEqual([
      ["acknowledged", 1, "desk", "kiểm tra cả ba trạm"],
      ["acknowledged", 3, "desk", "kiểm tra cả ba trạm"],
    ]);
    const closed = lifecycle.actOnMany("close", [1, 2, 3], "desk", undefined, environmentOnly, T0 + 3 * MIN);
    expect(closed.map((o) => o.event?.alert.state)).toEqual(["closed", "closed", "closed"]);
    expect(lifecycle.store.query({ state: "open", limit: 10 }).map((a) => a.id)).toEqual([4]);
  });
});
