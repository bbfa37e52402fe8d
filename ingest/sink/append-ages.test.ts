import { describe, expect, it } from "vitest";
import { AppendAges } from "./append-ages.js";
import type { SpoolPosition } from "./spool-position.js";

const at = (segment: number, offset: number): SpoolPosition => ({ segment, offset });

describe("AppendAges", () => {
  // Each case: appends [end, time] in order, then the cursor InfluxDB acknowledged up to.
  const cases: {
    name: string;
    appends: [SpoolPosition, number][];
    cursor: SpoolPosition;
    oldest: number | undefined;
    size: number;
  }[] = [
    { name: "nothing appended", appends: [], cursor: at(1, 0), oldest: undefined, size: 0 },
    { name: "nothing acknowledged", appends: [[at(1, 100), 5_000]], cursor: at(1, 0), oldest: 5_000, size: 1 },
    { name: "everything acknowledged", appends: [[at(1, 100), 5_000]], cursor: at(1, 100), oldest: undefined, size: 0 },
    {
      name: "appends a second apart keep their own times",
      appends: [
        [at(1, 100), 5_000],
        [at(1, 200), 6_000],
        [at(1, 300), 7_000],
      ],
      cursor: at(1, 100),
      oldest: 6_000,
      size: 2,
    },
    {
      name: "appends within a second share the first one's time until the last is acknowledged",
      appends: [
        [at(1, 100), 5_000],
        [at(1, 200), 5_400],
        [at(1, 300), 5_999],
        [at(1, 400), 6_000],
      ],
      cursor: at(1, 200),
      oldest: 5_000,
      size: 2,
    },
    {
      name: "the shared entry goes once its last append is acknowledged",
      appends: [
        [at(1, 100), 5_000],
        [at(1, 200), 5_400],
        [at(1, 300), 6_000],
      ],
      cursor: at(1, 200),
      oldest: 6_000,
      size: 1,
    },
    {
      name: "positions compare across segments",
      appends: [
        [at(1, 900), 5_000],
        [at(2, 50), 6_000],
        [at(3, 10), 7_000],
      ],
      cursor: at(2, 50),
      oldest: 7_000,
      size: 1,
    },
    {
      name: "a cursor past the last append (segments dropped by drop-oldest) forgets all",
      appends: [
        [at(1, 900), 5_000],
        [at(2, 50), 6_000],
      ],
      cursor: at(4, 0),
      oldest: undefined,
      size: 0,
    },
  ];

  it.each(cases)("$name", ({ appends, cursor, oldest, size }) => {
    const ages = new AppendAges();
    for (const [end, time] of appends) ages.record(end, time);
    ages.release(cursor);
    expect(ages.oldest()).toBe(oldest);
    expect(ages.size).toBe(size);
  });

  it("holds one entry per second of an hour-long outage, not one per group commit", () => {
    const ages = new AppendAges();
    const SEGMENT = 64_000_000;
    const position = (bytes: number) => at(1 + Math.floor(bytes / SEGMENT), bytes % SEGMENT);
    // 100 group commits of 5,000 bytes a second for an hour, none acknowledged (InfluxDB down).
    let bytes = 0;
    for (let t = 0; t < 3_600_000; t += 10) {
      bytes += 5_000;
      ages.record(position(bytes), t);
    }
    expect(ages.size).toBe(3_600);
    expect(ages.oldest()).toBe(0);
    // InfluxDB back: acknowledged half-way (the commits of the first 30 minutes), then to the end.
    ages.release(position(bytes / 2));
    expect(ages.oldest()).toBe(1_800_000);
    expect(ages.size).toBe(1_800);
    ages.release(position(bytes));
    expect(ages.oldest()).toBeUndefined();
  });
});
