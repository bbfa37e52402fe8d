// Flat-line: a stuck sensor repeats one value. Raised (a sensor-health alert, not pollution) when
// the same value (within `tolerance`) has come `readings` times in a row over at least `minutes`;
// cleared by the first different value. While it is raised the stuck value is flagged: it is no
// measurement, so the quality rules do not raise on it (a sensor stuck at 180 µg/m³ would otherwise
// raise "PM2.5 sustained" an hour later) and the station indices leave it out. The readings before
// it was found stuck were taken as measurements.
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface FlatLineConfig {
  readings: number;
  minutes: number;
  tolerance: number;
}

export interface FlatLineState {
  active: boolean;
  value?: number;
  count: number;
  sinceMs?: number;
}

export const flatLine: SensorRule<FlatLineConfig, FlatLineState> = {
  type: "flat-line",
  screening: "sensor",
  parameters: {
    type: "object",
    properties: {
      readings: { type: "integer", minimum: 2 },
      minutes: { type: "number", minimum: 0 },
      tolerance: { type: "number", minimum: 0 },
    },
    additionalProperties: false,
  },
  defaults: { readings: 10, minutes: 30, tolerance: 0 },
  initial: () => ({ active: false, count: 0 }),
  step(config, state, input, entry) {
    const same = state.value !== undefined && Math.abs(input.value - state.value) <= config.tolerance;
    // The state is this rule's own: updated in place (the engine never reads a previous state again),
    // which keeps a value that changes — the common case — free of allocation.
    if (!same) {
      const wasActive = state.active;
      state.active = false;
      state.value = input.value;
      state.count = 1;
      state.sinceMs = input.timeMs;
      return wasActive
        ? {
            state,
            transitions: [sensorAlert(entry, input, "cleared", "sensor-health", `${input.quantity} is changing again (${input.value})`)],
          }
        : { state, transitions: noTransitions };
    }
    const next = state;
    next.count++;
    const minutes = (input.timeMs - (state.sinceMs ?? input.timeMs)) / 60_000;
    if (!state.active && next.count >= config.readings && minutes >= config.minutes) {
      next.active = true;
      const message = `${input.quantity} stuck at ${state.value} for ${next.count} readings over ${Math.round(minutes)} min: check the sensor`;
      return { state: next, transitions: [sensorAlert(entry, input, "raised", "sensor-health", message)], flagged: true };
    }
    return { state: next, transitions: noTransitions, flagged: next.active };
  },
};
