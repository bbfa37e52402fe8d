// How far a delivery channel (MQTT, the InfluxDB `alert` measurement) has got through the alert
// event log, kept in the settings table: marked after each delivered event, written at most once a
// second and on flush. After a crash the channel re-delivers from the saved cursor, so an event is
// delivered at least once; each channel makes a repeat harmless.
import type { Database } from "../store/database.js";

export class EventCursor {
  private delivered = 0;
  private saved = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly key: string,
    /** A save that fails (disk full) is reported here and retried at the next mark or flush. */
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** The saved position (0 if none): deliver the events after it. */
  load(): number {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = ?").get(this.key) as { value: string } | undefined;
    this.delivered = row ? Number(row.value) : 0;
    this.saved = this.delivered;
    return this.delivered;
  }

  /** Records that the event `seq` (and every one before it) is delivered; saved within a second. */
  mark(seq: number): void {
    this.delivered = Math.max(this.delivered, seq);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 1000);
    this.timer.unref();
  }

  /** Saves the position now; never throws (a failed save is reported and retried later). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.delivered === this.saved) return;
    try {
      this.db
        .prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .run(this.key, String(this.delivered));
      this.saved = this.delivered;
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
