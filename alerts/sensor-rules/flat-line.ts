// Flat-line: a stuck sensor repeats one value. Raised (a sensor-health alert, not pollution) when
// the same value (within `tolerance`) has come `readings` times in a row over at least `minutes`;
// cleared by the first different value.
import { type SensorRule, sensorAlert } from "./sensor-rule.js";

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
    if (!same) {
      const next: FlatLineState = { active: false, value: input.value, count: 1, sinceMs: input.timeMs };
      const transitions = state.active
        ? [sensorAlert(entry, input, "cleared", "sensor-health", `${input.quantity} is changing again (${input.value})`)]
        : [];
      return { state: next, transitions };
    }
    const next: FlatLineState = { active: state.active, value: state.value, count: state.count + 1, sinceMs: state.sinceMs };
    const minutes = (input.timeMs - (state.sinceMs ?? input.timeMs)) / 60_000;
    if (!state.active && next.count >= config.readings && minutes >= config.minutes) {
      next.active = true;
      const message = `${input.quantity} stuck at ${state.value} for ${next.count} readings over ${Math.round(minutes)} min: check the sensor`;
      return { state: next, transitions: [sensorAlert(entry, input, "raised", "sensor-health", message)] };
    }
    return { state: next, transitions: [] };
  },
};
