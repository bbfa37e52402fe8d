// The retention sweep over a real SQLite database: what ended long ago goes with its audit trail,
// what is open or ended lately stays, and a large backlog goes in chunks.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { AlertLifecycle } from "./alert-lifecycle.js";
import { pruneAlerts } from "./alert-retention.js";
import type { AlertTransition } from "./alert-transition.js";
import { doLowTransition } from "../test/support/alert-transitions.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const DAY = 86_400_000;

const transition = doLowTransition;

describe("alert retention", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  let lifecycle: AlertLifecycle;
  let now = T0;
  beforeEach(() => {
    dir = tempDir("alert-retention");
    db = openDatabase(dir.path);
    lifecycle = new AlertLifecycle(db, undefined, () => now);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });
  const subjects = () => (db.prepare("SELECT subject FROM alerts ORDER BY id").all() as { subject: string }[]).map((r) => r.subject);
  const eventsOf = (subject: string) =>
    (
      db.prepare("SELECT count(*) AS n FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.subject = ?").get(subject) as {
        n: number;
      }
    ).n;

  it("deletes alerts that ended before the cut-off with their events, and keeps open and recent ones", async () => {
    // Cleared unattended 400 days ago; closed by an operator 380 days ago; acknowledged (open) since
    // 500 days ago; cleared 10 days ago.
    lifecycle.apply(transition("aq-cleared-old", "raised", T0));
    lifecycle.apply(transition("aq-cleared-old", "cleared", T0 + DAY));
    const closed = lifecycle.apply(transition("aq-closed-old", "raised", T0))[0]?.alert.id as number;
    lifecycle.comment(closed, "officer-1", "sensor moved to the roof", T0 + 2 * DAY);
    lifecycle.close(closed, "officer-1", "done", T0 + 21 * DAY);
    const open = lifecycle.apply(transition("aq-open-old", "raised", T0 - 100 * DAY))[0]?.alert.id as number;
    lifecycle.acknowledge(open, "officer-2", undefined, T0);
    lifecycle.apply(transition("aq-cleared-recent", "raised", T0 + 380 * DAY));
    lifecycle.apply(transition("aq-cleared-recent", "cleared", T0 + 391 * DAY));
    db.prepare("INSERT INTO webhook_dead_letters (webhook_id, seq, failed_at, attempts, last_error) VALUES (?, ?, ?, ?, ?)").run(
      "wh-1",
      1,
      T0,
      9,
      "503",
    );
    expect(eventsOf("aq-closed-old")).toBe(3);

    const cutoff = T0 + 401 * DAY - 365 * DAY; // 365 days before "now", 401 days after T0
    const pruned = await pruneAlerts(db, cutoff);

    expect(pruned).toEqual({ alerts: 2, events: 5, deadLetters: 1 });
    expect(subjects()).toEqual(["aq-open-old", "aq-cleared-recent"]);
    expect(eventsOf("aq-open-old")).toBe(2);
    expect(eventsOf("aq-cleared-recent")).toBe(2);
    // The lifecycle goes on: the same condition again is a new alert, and event numbers never repeat.
    now = T0 + 402 * DAY;
    const again = lifecycle.apply(transition("aq-cleared-old", "raised", now));
    expect(again.map((e) => [e.type, e.alert.occurrences])).toEqual([["raised", 1]]);
    expect(again[0]?.seq).toBeGreaterThan(9);
    expect(await pruneAlerts(db, cutoff)).toEqual({ alerts: 0, events: 0, deadLetters: 0 });
  });

  it("works through a backlog in chunks", async () => {
    const burst: AlertTransition[] = [];
    for (let i = 0; i < 250; i++) burst.push(transition(`aq-${i}`, "raised", T0), transition(`aq-${i}`, "cleared", T0 + 1000));
    lifecycle.applyAll(burst, () => undefined);
    lifecycle.apply(transition("aq-open", "raised", T0));
    expect(await pruneAlerts(db, T0 + DAY, 100)).toEqual({ alerts: 250, events: 500, deadLetters: 0 });
    expect(subjects()).toEqual(["aq-open"]);
  });
});
