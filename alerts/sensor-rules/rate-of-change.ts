// Rate of change: the value rose (or fell) by more than `change` within `windowMinutes` — e.g.
// turbidity rising faster than 50 NTU per 10 min after a discharge. Cleared once the change over
// the window is back under half of `change`.
import { type SensorRule, noTransitions, sensorAlert, unjudgedResult } from "./sensor-rule.js";

export interface RateOfChangeConfig {
  change: number;
  windowMinutes: number;
  direction: "rise" | "fall";
}

export interface RateOfChangeState {
  active: boolean;
  window: [number, number][];
}

const MAX_SAMPLES = 600;

export const rateOfChange: SensorRule<RateOfChangeConfig, RateOfChangeState> = {
  type: "rate-of-change",
  parameters: {
    type: "object",
    properties: {
      change: { type: "number", exclusiveMinimum: 0 },
      windowMinutes: { type: "number", exclusiveMinimum: 0 },
      direction: { enum: ["rise", "fall"] },
    },
    required: ["change"],
    additionalProperties: false,
  },
  defaults: { change: Number.POSITIVE_INFINITY, windowMinutes: 10, direction: "rise" },
  initial: () => ({ active: false, window: [] }),
  step(config, state, input, entry) {
    const spanMs = config.windowMinutes * 60_000;
    const window = [
      ...state.window.filter(([t]) => input.timeMs - t <= spanMs && t <= input.timeMs),
      [input.timeMs, input.value] as [number, number],
    ].slice(-MAX_SAMPLES);
    // The largest change within the window, against its lowest (rise) or highest (fall) earlier value.
    const values = window.map(([, v]) => v);
    const delta = config.direction === "rise" ? input.value - Math.min(...values) : Math.max(...values) - input.value;
    const next = { active: state.active, window };
    const verb = config.direction === "rise" ? "rose" : "fell";
    if (!state.active && delta >= config.change) {
      const message = `${input.quantity} ${verb} by ${Math.round(delta * 100) / 100} within ${config.windowMinutes} min (limit ${config.change})`;
      return { state: { ...next, active: true }, transitions: [sensorAlert(entry, input, "raised", "quality", message, config.change)] };
    }
    if (state.active && delta < config.change / 2) {
      const message = `${input.quantity} steady again (change ${Math.round(delta * 100) / 100} within ${config.windowMinutes} min)`;
      return { state: { ...next, active: false }, transitions: [sensorAlert(entry, input, "cleared", "quality", message, config.change)] };
    }
    return { state: next, transitions: noTransitions };
  },
  unjudged: (config, state, input, entry, why) => unjudgedResult(state, rateOfChange.initial(), entry, input, why, config.change),
};
