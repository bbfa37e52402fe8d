// When the spool's unacknowledged appends were made, for its oldest-age figure (metrics, /readyz).
// One entry per group commit would grow without bound while InfluxDB is down: ~100 commits a second
// under load is 360,000 entries in an hour, and taking them from the front of an array once InfluxDB
// is back costs a copy of the rest each time V8 cannot trim it in place (83 s of a blocked event
// loop for 360,000, measured). So appends within `resolutionMs` of each other share an entry, and
// entries sit in a deque: an outage of an hour is 3,600 entries, released in constant time each.
import Denque from "denque";
import type { SpoolPosition } from "./spool-position.js";
import { before } from "./spool-position.js";

interface AgeEntry {
  /** Where the last append of the entry ends. */
  end: SpoolPosition;
  /** When its first append was made, Unix ms. */
  at: number;
}

export class AppendAges {
  private readonly entries = new Denque<AgeEntry>();

  constructor(private readonly resolutionMs = 1000) {}

  /** Entries held (at most one per `resolutionMs` of appends still unacknowledged). */
  get size(): number {
    return this.entries.length;
  }

  /** An append that ends at `end` was made at `at`; appends come in spool order. */
  record(end: SpoolPosition, at: number): void {
    const newest = this.entries.peekBack();
    if (newest && at - newest.at < this.resolutionMs) newest.end = end;
    else this.entries.push({ end, at });
  }

  /** Everything up to `cursor` is acknowledged: forgets the entries that end there or before. */
  release(cursor: SpoolPosition): void {
    for (let oldest = this.entries.peekFront(); oldest && !before(cursor, oldest.end); oldest = this.entries.peekFront()) {
      this.entries.shift();
    }
  }

  /**
   * When the oldest unacknowledged append was made; undefined when none is. Early by less than
   * `resolutionMs` at most: an entry keeps its first append's time until its last is acknowledged.
   */
  oldest(): number | undefined {
    return this.entries.peekFront()?.at;
  }
}
