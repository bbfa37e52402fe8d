// Table test of the feed-outage judgement: which feeds are out, given their stations' last readings.
import { describe, expect, it } from "vitest";
import { DIRECT_FEED, type FeedStation, feedIsOut, feedStatus, stationList } from "./feed-outage.js";
import { downtimeIn, timerClock } from "./timer-clock.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;
const NOW = T0 + 100 * MIN;

/** A station of `feed` last heard `silentMin` minutes before NOW. */
let next = 0;
const station = (feed: string, silentMin: number, extra: Partial<FeedStation> = {}): FeedStation => ({
  station: `st-${next++}`,
  feed,
  lastMs: NOW - silentMin * MIN,
  afterMinutes: 30,
  sending: false,
  ...extra,
});

const rows: { name: string; stations: FeedStation[]; minStations?: number; hubDown?: [number, number]; out: string[] }[] = [
  {
    name: "every station of a gateway silent for half its limit or more",
    stations: [30, 27, 20, 16].map((m) => station("gw-1", m)),
    out: ["gw-1"],
  },
  { name: "one station still reporting keeps the feed up", stations: [30, 27, 20, 4].map((m) => station("gw-1", m)), out: [] },
  { name: "fewer stations than minStations", stations: [30, 27].map((m) => station("gw-1", m)), out: [] },
  { name: "minStations 0 never groups", stations: [30, 27, 20].map((m) => station("gw-1", m)), minStations: 0, out: [] },
  {
    name: "a station silent for days is no longer the feed's: the other three decide",
    stations: [station("gw-1", 3 * 24 * 60), ...[40, 35, 31].map((m) => station("gw-1", m))],
    out: ["gw-1"],
  },
  {
    name: "a station uploading old readings is sending, not silent",
    stations: [...[40, 35, 31].map((m) => station("gw-1", m)), station("gw-1", 90, { sending: true })],
    out: [],
  },
  {
    name: "hourly stations: silent 40 min of a 180-min limit is under half of it",
    stations: [40, 45, 50].map((m) => station("gw-1", m, { afterMinutes: 180 })),
    out: [],
  },
  {
    name: "the hub's own downtime is not the feed's silence",
    stations: [40, 35, 31].map((m) => station(DIRECT_FEED, m)),
    hubDown: [75, 95],
    out: [],
  },
  {
    name: "feeds are judged apart",
    stations: [...[40, 35, 31].map((m) => station("gw-1", m)), ...[40, 35, 2].map((m) => station(DIRECT_FEED, m))],
    out: ["gw-1"],
  },
];

describe("feed outage", () => {
  it.each(rows.map((row) => [row.name, row] as const))("%s", (_, row) => {
    const clock = timerClock(NOW, downtimeIn(row.hubDown ? [{ fromMs: T0 + row.hubDown[0] * MIN, toMs: T0 + row.hubDown[1] * MIN }] : []));
    const status = feedStatus(row.stations, clock);
    const out = [...status].filter(([, s]) => feedIsOut(s, row.minStations ?? 3)).map(([feed]) => feed);
    expect(out).toEqual(row.out);
  });

  it("names the stations of a feed in its message, ten at most", () => {
    expect(stationList(["wq-b", "wq-a"])).toBe("wq-a, wq-b");
    const many = Array.from({ length: 13 }, (_, i) => `st-${String(i).padStart(2, "0")}`);
    expect(stationList(many)).toBe("st-00, st-01, st-02, st-03, st-04, st-05, st-06, st-07, st-08, st-09 and 3 more");
  });
});
