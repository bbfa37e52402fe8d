// The series key of a line ("env_reading,kind=air,source=mqtt,station=hue-air-01"): measurement and
// tags, serialised by Point once per series and then reused. Point's toLineProtocol sorts and escapes
// the tags again on every call; for a station sending the same tags with every reading that was the
// largest share of the garbage ingest makes (1.9 of 5.1 KB per reading of a SenML pack, measured).
import type { Point } from "@influxdata/influxdb-client";

const PROBE = " probe=0";
/** Without it Point stamps a line that has no time with the current time. */
const NO_TIME = { convertTime: () => undefined };

export class SeriesKeys {
  /** Subject (station, vessel) → the rest of the tags, encoded unambiguously → series key. */
  private readonly keys = new Map<string, Map<string, string>>();

  /** `maxSubjects` bounds the memory: past it the cache starts again. */
  constructor(private readonly maxSubjects = 20_000) {}

  /**
   * The series key for `subject` and `rest` (the other tag values, encoded so that different values
   * never give the same string), if it has been added.
   */
  get(subject: string, rest: string): string | undefined {
    return this.keys.get(subject)?.get(rest);
  }

  /** Serialises `tagged` (measurement and tags, no fields) and keeps its series key; returns it. */
  add(subject: string, rest: string, tagged: Point): string {
    let bySubject = this.keys.get(subject);
    if (!bySubject) {
      if (this.keys.size >= this.maxSubjects) this.keys.clear();
      bySubject = new Map();
      this.keys.set(subject, bySubject);
    }
    // With one field and no timestamp, Point's line is the series key followed by exactly PROBE.
    const line = tagged.floatField("probe", 0).toLineProtocol(NO_TIME);
    if (!line?.endsWith(PROBE)) throw new Error(`unexpected line from Point: ${line}`);
    const key = line.slice(0, line.length - PROBE.length);
    bySubject.set(rest, key);
    return key;
  }

  get size(): number {
    let total = 0;
    for (const bySubject of this.keys.values()) total += bySubject.size;
    return total;
  }
}
