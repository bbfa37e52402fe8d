// Station offline: no reading for `afterMinutes`, evaluated on a timer with the hub's clock (silence is
// never reported). Silence counts from the last reading's own time, like going dark for vessels, so
// that history replayed into the hub is judged as it happened; a station whose clock is off is the
// clock-skew rule's business. Time the hub itself was down is not the station's (timer-clock.ts).
// Cleared by the next reading. Runs once per station (detail `station`). Stations whose whole feed
// fell silent wait for the feed's outage instead (feed-outage.ts, grouped by the engine), and once it
// ends, their silence counts from its end.
import { DIRECT_FEED } from "../feed-outage.js";
import { heardSilenceMs } from "../timer-clock.js";
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface OfflineConfig {
  afterMinutes: number;
  /** A feed's silent stations make one feed-outage alert from this many (0: never grouped). */
  feedMinStations: number;
}

export interface OfflineState {
  active: boolean;
  /** Own time of the latest reading. */
  lastReceivedMs?: number;
  /** The feed of the latest reading (feed-outage.ts). */
  feed?: string;
  /** Set by the engine while the station's offline alert waits for its feed's outage. */
  outage?: string;
  /**
   * When the feed outage that covered the station ended (the arrival of the feed's first fresh
   * reading): the station could not be heard while it lasted, so its silence counts from there; a
   * station that reports every 5 min may not have reported yet a minute after its gateway is back.
   */
  excusedUntilMs?: number;
}

export const offline: SensorRule<OfflineConfig, OfflineState> = {
  type: "offline",
  scope: "station",
  parameters: {
    type: "object",
    properties: { afterMinutes: { type: "number", exclusiveMinimum: 0 }, feedMinStations: { type: "integer", minimum: 0 } },
    additionalProperties: false,
  },
  defaults: { afterMinutes: 30, feedMinStations: 3 },
  initial: () => ({ active: false }),
  step(_config, state, input, entry) {
    if (!state.active) {
      // In place: this runs for every reading of every station.
      state.lastReceivedMs = Math.max(state.lastReceivedMs ?? 0, input.timeMs);
      state.feed = input.feed ?? DIRECT_FEED;
      return { state, transitions: noTransitions };
    }
    const next = { active: false, lastReceivedMs: Math.max(state.lastReceivedMs ?? 0, input.timeMs), feed: input.feed ?? DIRECT_FEED };
    const message = "station reporting again";
    return {
      state: next,
      transitions: [
        sensorAlert(entry, { station: input.station, quantity: "station", timeMs: input.timeMs }, "cleared", "sensor-health", message),
      ],
    };
  },
  tick(config, state, clock, subject, entry) {
    if (state.active || state.lastReceivedMs === undefined) return { state, transitions: noTransitions };
    const silentFromMs = Math.max(state.lastReceivedMs, state.excusedUntilMs ?? 0);
    if (heardSilenceMs(clock, silentFromMs) < config.afterMinutes * 60_000) return { state, transitions: noTransitions };
    const nowMs = clock.nowMs;
    const outMin = Math.floor((silentFromMs - state.lastReceivedMs) / 60_000);
    const downMin = Math.floor(clock.downSince(silentFromMs) / 60_000);
    const message =
      `no reading for ${Math.floor((nowMs - state.lastReceivedMs) / 60_000)} min (limit ${config.afterMinutes} min)` +
      (outMin > 0 ? `, not counting the ${outMin} min its feed was out` : "") +
      (downMin > 0 ? `, not counting the ${downMin} min the hub itself was down` : "");
    return {
      state: { ...state, active: true },
      transitions: [
        sensorAlert(
          entry,
          { station: subject.station, quantity: "station", timeMs: nowMs },
          "raised",
          "sensor-health",
          message,
          config.afterMinutes,
        ),
      ],
    };
  },
};
