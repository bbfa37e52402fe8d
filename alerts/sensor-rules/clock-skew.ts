// Clock skew: the station's clock disagrees with the hub's by more than `maxSkewSeconds` (a drifting
// RTC, a lost NTP fix, a wrong time zone). The hub already refuses readings too far in the future;
// this catches the smaller drifts that still corrupt hourly means. Runs once per reading (quantity
// `*` in the rules config, reported with detail `clock`).
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface ClockSkewConfig {
  maxSkewSeconds: number;
}

export const clockSkew: SensorRule<ClockSkewConfig, { active: boolean }> = {
  type: "clock-skew",
  scope: "station",
  parameters: {
    type: "object",
    properties: { maxSkewSeconds: { type: "number", exclusiveMinimum: 0 } },
    additionalProperties: false,
  },
  defaults: { maxSkewSeconds: 300 },
  initial: () => ({ active: false }),
  step(config, state, input, entry) {
    const skewS = (input.timeMs - input.receivedAtMs) / 1000;
    const skewed = Math.abs(skewS) > config.maxSkewSeconds;
    if (skewed === state.active) return { state, transitions: noTransitions }; // the common case: no alert built
    const subject = { station: input.station, quantity: "clock", timeMs: input.timeMs, value: Math.round(skewS) };
    if (skewed) {
      const message = `station clock ${skewS > 0 ? "ahead" : "behind"} by ${Math.round(Math.abs(skewS))} s (limit ${config.maxSkewSeconds} s)`;
      return {
        state: { active: true },
        transitions: [sensorAlert(entry, subject, "raised", "sensor-health", message, config.maxSkewSeconds)],
      };
    }
    return {
      state: { active: false },
      transitions: [sensorAlert(entry, subject, "cleared", "sensor-health", "station clock in step again")],
    };
  },
};
