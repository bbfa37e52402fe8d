// Feed outages: stations that send through one feed — a gateway or an adapter relaying several
// stations, or the stations' own direct connections to the hub — and fall silent together are a feed
// that is down (a gateway without power, a serial bus unplugged, the mobile network between the
// stations and the hub), not a dozen stations at once: one `system` alert for the feed instead of one
// station-offline alert per station. A feed is out when at least `minStations` stations were heard
// through it in the last 24 h and every one of them has been silent for at least half its own
// offline limit (a feed that still relays some station is up: its silent stations are silent on
// their own). Half the limit, so that the stations of a feed that died at once are grouped when the
// first of them reaches its limit, although they last reported minutes apart. Time the hub itself
// was down does not count as silence (timer-clock.ts).
import { type TimerClock, heardSilenceMs } from "./timer-clock.js";

export const FEED_OUTAGE_RULE = "feed-outage";

/** The feed of a station that sends for itself: its own connection to the hub. */
export const DIRECT_FEED = "direct";

const ACTIVE_MS = 24 * 3_600_000;

export interface FeedStation {
  station: string;
  feed: string;
  /** Own time of its latest reading. */
  lastMs: number;
  afterMinutes: number;
  /** It sent something since the last timer round (whatever the time of what it sent). */
  sending: boolean;
}

export interface FeedStatus {
  /** Stations heard through the feed in the last 24 h. */
  stations: number;
  /** Their ids. */
  names: string[];
  /** Every one of them silent for at least half its offline limit. */
  silent: boolean;
}

/** The status of each feed at `clock`. */
export function feedStatus(stations: Iterable<FeedStation>, clock: TimerClock): Map<string, FeedStatus> {
  const status = new Map<string, FeedStatus>();
  for (const s of stations) {
    if (!s.sending && clock.nowMs - s.lastMs > ACTIVE_MS) continue;
    let feed = status.get(s.feed);
    if (!feed) {
      feed = { stations: 0, names: [], silent: true };
      status.set(s.feed, feed);
    }
    feed.stations++;
    feed.names.push(s.station);
    if (s.sending || heardSilenceMs(clock, s.lastMs) < s.afterMinutes * 30_000) feed.silent = false;
  }
  return status;
}

/**
 * A reading that ends a feed's outage: one stamped at most this long before it arrived. A gateway
 * back from an outage first uploads what it stored; those readings are hours old, and ending the
 * outage on the first of them would judge its stations, mid-upload, by their old data (an offline
 * alert for each station whose backlog had not come yet).
 */
export const FRESH_READING_MS = 15 * 60_000;

/** Whether a feed of this status is out, for a station whose offline rule groups from `minStations` (0: never). */
export const feedIsOut = (status: FeedStatus | undefined, minStations: number): boolean =>
  status !== undefined && minStations > 0 && status.silent && status.stations >= minStations;

/** The stations of a feed, for the alert's message: ten by name at most. */
export const stationList = (names: readonly string[]): string => {
  const sorted = [...names].sort();
  return sorted.length <= 10 ? sorted.join(", ") : `${sorted.slice(0, 10).join(", ")} and ${sorted.length - 10} more`;
};

/** Who a feed is, in words, for the alert's message. */
export const feedDescription = (feed: string): string =>
  feed === DIRECT_FEED ? "connected to the hub directly" : `sending through ${feed}`;
