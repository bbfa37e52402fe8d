// The hub's downtime log on a real SQLite database: what a restart records, what survives the next
// restart, and how much of a subject's silence it takes away.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { DowntimeLog } from "./downtime-log.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;
const DAY = 86_400_000;

describe("DowntimeLog", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("downtime");
  });
  afterEach(() => dir.remove());

  /** One run of the hub: a log over the data dir's database, as hub/main.ts opens it. */
  const run = () => {
    const db = openDatabase(dir.path);
    return { log: new DowntimeLog(db), close: () => db.close() };
  };

  it("records nothing at a first start, then the time from the last heartbeat to the next start", () => {
    const first = run();
    expect(first.log.start(T0)).toBeUndefined();
    first.log.heartbeat(T0 + 5 * MIN);
    first.close(); // killed: no heartbeat after T0 + 5 min

    const second = run();
    expect(second.log.start(T0 + 65 * MIN)).toEqual({ fromMs: T0 + 5 * MIN, toMs: T0 + 65 * MIN });
    second.log.heartbeat(T0 + 70 * MIN);
    second.close();

    const third = run();
    third.log.start(T0 + 80 * MIN);
    expect(third.log.recorded).toEqual([
      { fromMs: T0 + 5 * MIN, toMs: T0 + 65 * MIN },
      { fromMs: T0 + 70 * MIN, toMs: T0 + 80 * MIN },
    ]);
    // Last heard before both: 60 + 10 min of its silence were the hub's own.
    expect(third.log.downSince(T0, T0 + 90 * MIN)).toBe(70 * MIN);
    // Heard inside the first downtime (a buffered report that arrived later): that one does not count.
    expect(third.log.downSince(T0 + 30 * MIN, T0 + 90 * MIN)).toBe(10 * MIN);
    // Heard after both: none.
    expect(third.log.downSince(T0 + 81 * MIN, T0 + 90 * MIN)).toBe(0);
    // Only up to now.
    expect(third.log.downSince(T0, T0 + 20 * MIN)).toBe(15 * MIN);
    third.close();
  });

  it("ignores a clock that went back and forgets periods past its horizon", () => {
    const first = run();
    first.log.start(T0);
    first.log.heartbeat(T0 + 10 * MIN);
    first.close();

    const behind = run();
    expect(behind.log.start(T0 + 5 * MIN)).toBeUndefined();
    expect(behind.log.recorded).toEqual([]);
    behind.log.heartbeat(T0 + 6 * MIN);
    behind.close();

    const later = run();
    later.log.start(T0 + 60 * MIN);
    later.log.heartbeat(T0 + 61 * MIN);
    later.close();

    // 31 days on: the period that ended at T0 + 60 min is past the 30-day horizon; the new one stays.
    const muchLater = run();
    const period = muchLater.log.start(T0 + 31 * DAY);
    expect(muchLater.log.recorded).toEqual([period]);
    muchLater.close();
  });
});
