// The hub's own downtime (alerts/timer-clock.ts says why the timer rules need it): a heartbeat saved
// with the rule state every few seconds, and at each start the time since the previous run's last
// heartbeat recorded as a period the hub was down. Kept in the settings table, so a SIGKILL loses at
// most one heartbeat interval (the recorded downtime is that much longer: harmless).
import type { Statement } from "better-sqlite3";
import { type Downtime, type DowntimePeriod, downtimeIn } from "../alerts/timer-clock.js";
import type { Database } from "../store/database.js";

const ALIVE_KEY = "hub.alive_at";
const PERIODS_KEY = "hub.downtime";
const DAY = 86_400_000;

export class DowntimeLog implements Downtime {
  private periods: DowntimePeriod[];
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(
    private readonly db: Database,
    /** Periods that ended longer ago than this are forgotten: past the longest silence a rule escalates on (10 days). */
    private readonly keepMs = 30 * DAY,
    private readonly maxPeriods = 1000,
  ) {
    this.select = db.prepare("SELECT value FROM settings WHERE key = ?");
    this.upsert = db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const row = this.read(PERIODS_KEY);
    this.periods = row ? (JSON.parse(row) as [number, number][]).map(([fromMs, toMs]) => ({ fromMs, toMs })) : [];
  }

  /**
   * Records this start: the time since the previous run's last heartbeat was downtime. Returns that
   * period, or undefined on a first start (or a clock that went back).
   */
  start(nowMs = Date.now()): DowntimePeriod | undefined {
    const aliveAt = Number(this.read(ALIVE_KEY) ?? Number.NaN);
    let period: DowntimePeriod | undefined;
    if (Number.isFinite(aliveAt) && nowMs > aliveAt) {
      period = { fromMs: aliveAt, toMs: nowMs };
      this.periods.push(period);
    }
    this.periods = this.periods.filter((p) => nowMs - p.toMs <= this.keepMs).slice(-this.maxPeriods);
    this.db.transaction(() => {
      this.write(PERIODS_KEY, JSON.stringify(this.periods.map((p) => [p.fromMs, p.toMs])));
      this.write(ALIVE_KEY, String(nowMs));
    })();
    return period;
  }

  /** Saves that the hub is up now. */
  heartbeat(nowMs = Date.now()): void {
    this.write(ALIVE_KEY, String(nowMs));
  }

  get recorded(): readonly DowntimePeriod[] {
    return this.periods;
  }

  downSince(lastHeardMs: number, nowMs: number): number {
    return downtimeIn(this.periods).downSince(lastHeardMs, nowMs);
  }

  private read(key: string): string | undefined {
    return (this.select.get(key) as { value: string } | undefined)?.value;
  }

  private write(key: string, value: string): void {
    this.upsert.run(key, value);
  }
}
