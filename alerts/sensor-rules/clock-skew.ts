// Clock skew: the station's clock disagrees with the hub's by more than `maxSkewSeconds` (a drifting
// RTC, a lost NTP fix, a wrong time zone). The hub already refuses readings too far in the future;
// this catches the smaller drifts that still corrupt hourly means. Runs once per reading (quantity
// `*` in the rules config, reported with detail `clock`).
//
// A reading from the future can only be the clock. A late one can also be a backlog: a logger that
// uploads what it stored during an outage, or one that sends an hour of readings each hour. So
// "behind" counts only when every reading received for `behindForMinutes` of the hub's time was late:
// a backlog ends with a reading on time (its newest), a clock that is behind never does.
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface ClockSkewConfig {
  maxSkewSeconds: number;
  behindForMinutes: number;
}

interface ClockSkewState {
  active: boolean;
  /** Reception time (hub clock, Unix ms) of the first of an unbroken run of late readings (undefined: none; JSON leaves it out). */
  behindSinceMs?: number | undefined;
}

export const clockSkew: SensorRule<ClockSkewConfig, ClockSkewState> = {
  type: "clock-skew",
  scope: "station",
  parameters: {
    type: "object",
    properties: {
      maxSkewSeconds: { type: "number", exclusiveMinimum: 0 },
      behindForMinutes: { type: "number", minimum: 0 },
    },
    additionalProperties: false,
  },
  defaults: { maxSkewSeconds: 300, behindForMinutes: 10 },
  initial: () => ({ active: false, behindSinceMs: undefined }),
  step(config, state, input, entry) {
    const skewS = (input.timeMs - input.receivedAtMs) / 1000;
    const behind = skewS < -config.maxSkewSeconds;
    // Assigned, never deleted: a delete would turn the state into a slow dictionary object.
    if (!behind) state.behindSinceMs = undefined;
    else state.behindSinceMs ??= input.receivedAtMs;
    // Once raised, a late reading keeps it raised (also a state saved before behindSinceMs existed).
    const skewed =
      skewS > config.maxSkewSeconds ||
      (state.behindSinceMs !== undefined && (state.active || input.receivedAtMs - state.behindSinceMs >= config.behindForMinutes * 60_000));
    if (skewed === state.active) return { state, transitions: noTransitions }; // the common case: no alert built
    state.active = skewed;
    const subject = { station: input.station, quantity: "clock", timeMs: input.timeMs, value: Math.round(skewS) };
    if (skewed) {
      const message = `station clock ${skewS > 0 ? "ahead" : "behind"} by ${Math.round(Math.abs(skewS))} s (limit ${config.maxSkewSeconds} s)`;
      return { state, transitions: [sensorAlert(entry, subject, "raised", "sensor-health", message, config.maxSkewSeconds)] };
    }
    return { state, transitions: [sensorAlert(entry, subject, "cleared", "sensor-health", "station clock in step again")] };
  },
};
