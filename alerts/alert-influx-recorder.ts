// Alert events into InfluxDB's `alert` measurement, through the durable spool, without a gap: the
// event is committed in SQLite first; if the hub dies before its line reaches the spool, the next
// start re-appends every event after the saved cursor (found missing by the chaos soak). A repeat is
// harmless: the same event gives the same point (same series and timestamp), which InfluxDB keeps once.
import type { Logger } from "../hub/logger.js";
import type { LineSink } from "../ingest/pipeline.js";
import type { Database } from "../store/database.js";
import { alertEventLine } from "./alert-line.js";
import type { AlertEvent, AlertStore } from "./alert-store.js";
import { EventCursor } from "./event-cursor.js";

const PAGE = 500;

export class AlertInfluxRecorder {
  private readonly cursor: EventCursor;
  /** The latest append: the spool settles appends in call order, so awaiting it awaits them all. */
  private last: Promise<void> = Promise.resolve();
  /** The first event whose append failed: the cursor must not pass it (it is re-spooled at the next start). */
  private failedFrom: number | undefined;

  constructor(
    db: Database,
    private readonly store: AlertStore,
    private readonly sink: LineSink,
    private readonly log: Logger,
  ) {
    this.cursor = new EventCursor(db, "influx.alerts.cursor", (error) =>
      log.warn({ err: error }, "could not save the alert delivery cursor; retrying"),
    );
  }

  /** Re-appends the events a previous run recorded in SQLite but may not have spooled. */
  start(): void {
    let after = this.cursor.load();
    for (;;) {
      const events = this.store.eventsAfter(after, PAGE);
      for (const event of events) this.record(event);
      if (events.length < PAGE) break;
      after = (events[events.length - 1] as AlertEvent).seq;
    }
  }

  /**
   * Appends one event's line at once — a burst of events shares the spool's group commits, in call
   * order — and moves the cursor once the spool has it on disk.
   */
  record = (event: AlertEvent): void => {
    const appended = this.sink.append(`${alertEventLine(event)}\n`, 1).then(
      () => {
        if (this.failedFrom === undefined || event.seq < this.failedFrom) this.cursor.mark(event.seq);
      },
      (error) => {
        this.failedFrom = Math.min(this.failedFrom ?? event.seq, event.seq);
        this.log.error({ err: error, seq: event.seq }, "could not store an alert event; it is re-sent at the next start");
      },
    );
    this.last = appended;
  };

  async drain(): Promise<void> {
    await this.last;
    this.cursor.flush();
  }
}
