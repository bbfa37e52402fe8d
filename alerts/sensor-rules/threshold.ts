// Threshold with hysteresis: raise at value ≥ `above`, clear only below `clearBelow` (so a value
// hovering at the limit does not flap); for low limits (dissolved oxygen) the mirror image: raise at
// value ≤ `below`, clear only above `clearAbove`.
import { type SensorRule, noTransitions, sensorAlert, unjudgedResult } from "./sensor-rule.js";

export interface ThresholdConfig {
  above?: number;
  clearBelow?: number;
  below?: number;
  clearAbove?: number;
}

export const threshold: SensorRule<ThresholdConfig, { active: boolean }> = {
  type: "threshold",
  parameters: {
    type: "object",
    properties: { above: { type: "number" }, clearBelow: { type: "number" }, below: { type: "number" }, clearAbove: { type: "number" } },
    additionalProperties: false,
  },
  defaults: {},
  initial: () => ({ active: false }),
  step(config, state, input, entry) {
    const high = config.above !== undefined;
    const limit = (high ? config.above : config.below) as number | undefined;
    if (limit === undefined) return { state, transitions: noTransitions };
    const clearAt = high ? (config.clearBelow ?? limit) : (config.clearAbove ?? limit);
    const v = input.value;
    if (!state.active && (high ? v >= limit : v <= limit)) {
      const message = `${input.quantity} ${v} ${high ? "≥" : "≤"} ${limit}`;
      return { state: { active: true }, transitions: [sensorAlert(entry, input, "raised", "quality", message, limit)] };
    }
    if (state.active && (high ? v < clearAt : v > clearAt)) {
      const message = `${input.quantity} back to ${v} (${high ? "below" : "above"} ${clearAt})`;
      return { state: { active: false }, transitions: [sensorAlert(entry, input, "cleared", "quality", message, limit)] };
    }
    return { state, transitions: noTransitions };
  },
  unjudged: (config, state, input, entry, why) => unjudgedResult(state, { active: false }, entry, input, why, config.above ?? config.below),
};
