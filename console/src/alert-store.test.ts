import { describe, expect, it } from "vitest";
import { type AlertDoc, AlertStore, type StreamMessage } from "./alert-store.js";

const alert = (id: number, extra: Partial<AlertDoc> = {}): AlertDoc => ({
  id,
  rule: "do-low",
  domain: "environment",
  severity: "critical",
  subject: `station-${id}`,
  state: "raised",
  raisedAt: `2026-11-23T0${id % 10}:00:00Z`,
  lastSeenAt: "2026-11-23T09:00:00Z",
  occurrences: 1,
  message: `alert ${id}`,
  ...extra,
});
const event = (seq: number, type: string, a: AlertDoc, notify = true): StreamMessage => ({
  seq,
  event: { seq, type, at: "2026-11-23T09:00:00Z", actor: "hub", notify },
  alert: a,
});

describe("AlertStore", () => {
  it("keeps every open alert and only the newest that ended, however long it runs", () => {
    const store = new AlertStore(3);
    store.load([alert(1), alert(2, { state: "acknowledged" })], 0);
    let seq = 0;
    // A day of zone entries: 400 alerts raised and cleared after the two open ones.
    for (let id = 3; id < 403; id++) {
      store.apply(event(++seq, "raised", alert(id, { severity: "info" })));
      store.apply(event(++seq, "cleared", alert(id, { severity: "info", state: "cleared" })));
    }
    const ids = [...store.alerts.keys()].sort((a, b) => a - b);
    expect(ids.slice(0, 2)).toEqual([1, 2]);
    expect(ids.filter((id) => id > 2).every((id) => id > 300)).toBe(true);
    expect(store.alerts.size).toBeLessThanOrEqual(2 + 3 + 100 + 1);
    // A snapshot is held to the same: open ones all, ended ones the newest.
    store.load([alert(1), ...[10, 11, 12, 13, 14].map((id) => alert(id, { state: "closed" }))], seq);
    expect([...store.alerts.keys()].sort((a, b) => a - b)).toEqual([1, 12, 13, 14]);
  });

  it("applies stream events after the snapshot's cursor, newest document wins", () => {
    const store = new AlertStore();
    store.load([alert(1)], 10);
    expect(store.apply(event(11, "acknowledged", alert(1, { state: "acknowledged" }))).applied).toBe(true);
    expect(store.alerts.get(1)?.state).toBe("acknowledged");
    expect(store.cursor).toBe(11);
  });

  it("ignores what the snapshot already contains (events at or before its cursor)", () => {
    const store = new AlertStore();
    store.load([alert(1, { state: "acknowledged" })], 12);
    expect(store.apply(event(11, "raised", alert(1))).applied).toBe(false);
    expect(store.alerts.get(1)?.state).toBe("acknowledged");
  });

  it("after a reconnect that replays an overlap, applies each event once and resumes from the cursor", () => {
    const store = new AlertStore();
    store.load([], 0);
    const stream = [
      event(1, "raised", alert(1)),
      event(2, "raised", alert(2)),
      event(3, "acknowledged", alert(1, { state: "acknowledged" })),
    ];
    let changes = 0;
    store.onChange(() => changes++);
    store.apply(stream[0] as StreamMessage);
    store.apply(stream[1] as StreamMessage);
    // The connection drops; the client resumes with ?after=2, but a proxy also re-sends 2.
    const resumeFrom = store.cursor;
    expect(resumeFrom).toBe(2);
    const replay = [stream[1], stream[2], stream[2]] as StreamMessage[];
    const applied = replay.map((m) => store.apply(m).applied);
    expect(applied).toEqual([false, true, false]);
    expect(changes).toBe(3);
    expect(store.list().map((a) => [a.id, a.state])).toEqual([
      [2, "raised"],
      [1, "acknowledged"],
    ]);
  });

  it("tells a new critical alert (raised, reopened, escalated; not muted) from other events", () => {
    const store = new AlertStore();
    store.load([], 0);
    expect(store.apply(event(1, "raised", alert(1))).newCritical?.id).toBe(1);
    expect(store.apply(event(2, "raised", alert(2, { severity: "warning" }))).newCritical).toBeUndefined();
    expect(store.apply(event(3, "acknowledged", alert(1, { state: "acknowledged" }))).newCritical).toBeUndefined();
    expect(store.apply(event(4, "reopened", alert(3), false)).newCritical).toBeUndefined();
    expect(store.apply(event(5, "escalated", alert(4))).newCritical?.id).toBe(4);
    expect(store.apply({ seq: 5, type: "live" }).applied).toBe(false);
  });

  it("gives a subject's open alerts for its map card, most severe first", () => {
    const store = new AlertStore();
    store.load(
      [
        alert(1, { subject: "wq-a", severity: "warning" }),
        alert(2, { subject: "wq-a", severity: "critical", state: "acknowledged" }),
        alert(3, { subject: "wq-a", state: "cleared" }),
        alert(4, { subject: "wq-a", state: "closed" }),
        alert(5, { subject: "wq-b" }),
      ],
      0,
    );
    expect(store.openOf("wq-a").map((a) => a.id)).toEqual([2, 1]);
    expect(store.openOf("wq-z")).toEqual([]);
  });

  it("filters by domain, severity, zone, kind and closed, and sorts open critical first", () => {
    const store = new AlertStore();
    store.load(
      [
        alert(1, { severity: "warning", kind: "sensor-health" }),
        alert(2, { domain: "fisheries", zone: "mpa-hai-van-son-cha" }),
        alert(3, { state: "closed" }),
        alert(4, { severity: "info", domain: "system" }),
      ],
      0,
    );
    expect(store.list().map((a) => a.id)).toEqual([2, 1, 4]);
    expect(store.list({ showClosed: true }).map((a) => a.id)).toEqual([2, 1, 4, 3]);
    expect(store.list({ domain: "fisheries" }).map((a) => a.id)).toEqual([2]);
    expect(store.list({ severity: "warning" }).map((a) => a.id)).toEqual([1]);
    expect(store.list({ zone: "mpa-hai-van-son-cha" }).map((a) => a.id)).toEqual([2]);
    expect(store.list({ kind: "sensor-health" }).map((a) => a.id)).toEqual([1]);
    expect(store.zones()).toEqual(["mpa-hai-van-son-cha"]);
  });
});
