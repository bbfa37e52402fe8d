// Sustained exceedance: the value stays above `above` for `forMinutes` (mode `continuous`), or its
// mean over the last `forMinutes` exceeds it (mode `mean`, e.g. an hourly mean). Cleared when the
// value (or mean) drops below `clearBelow` (default: `above`).
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface SustainedConfig {
  above: number;
  forMinutes: number;
  clearBelow?: number;
  mode: "continuous" | "mean";
}

export interface SustainedState {
  active: boolean;
  /** Start of the current unbroken run above the limit (continuous mode). */
  sinceMs?: number;
  /** Times and values of the window's samples (mean mode), oldest first. */
  times: number[];
  values: number[];
  /** Sum of the window's values. */
  sum: number;
}

const MAX_SAMPLES = 1_440;

export const sustained: SensorRule<SustainedConfig, SustainedState> = {
  type: "sustained",
  parameters: {
    type: "object",
    properties: {
      above: { type: "number" },
      forMinutes: { type: "number", exclusiveMinimum: 0 },
      clearBelow: { type: "number" },
      mode: { enum: ["continuous", "mean"] },
    },
    required: ["above"],
    additionalProperties: false,
  },
  defaults: { above: Number.POSITIVE_INFINITY, forMinutes: 60, mode: "continuous" },
  initial: () => ({ active: false, times: [], values: [], sum: 0 }),
  step(config, state, input, entry) {
    const spanMs = config.forMinutes * 60_000;
    const clearAt = config.clearBelow ?? config.above;
    let level: number;
    let holds: boolean;
    let next: SustainedState;
    if (config.mode === "mean") {
      // The window is owned by this rule's state: extended and trimmed in place (the engine never
      // reads a previous state again), with a running sum, so a step costs O(1) amortised.
      const { times, values } = state;
      times.push(input.timeMs);
      values.push(input.value);
      let sum = state.sum + input.value;
      let drop = 0;
      while (drop < times.length - 1 && (input.timeMs - (times[drop] as number) > spanMs || times.length - drop > MAX_SAMPLES)) {
        sum -= values[drop] as number;
        drop++;
      }
      if (drop > 0) {
        times.splice(0, drop);
        values.splice(0, drop);
      }
      state.sum = sum;
      level = sum / values.length;
      // A mean needs the window covered: the oldest sample must be close to its start.
      const covered = input.timeMs - (times[0] as number) >= spanMs * 0.9;
      holds = covered && level > config.above;
      next = state;
    } else {
      level = input.value;
      const sinceMs = input.value > config.above ? (state.sinceMs ?? input.timeMs) : undefined;
      holds = sinceMs !== undefined && input.timeMs - sinceMs >= spanMs;
      if (sinceMs === undefined) delete state.sinceMs;
      else state.sinceMs = sinceMs;
      next = state;
    }
    const what = config.mode === "mean" ? `${config.forMinutes}-min mean of ${input.quantity}` : input.quantity;
    if (!state.active && holds) {
      const message = `${what} above ${config.above} for ${config.forMinutes} min (now ${Math.round(level * 100) / 100})`;
      return {
        state: Object.assign(next, { active: true }),
        transitions: [sensorAlert(entry, { ...input, value: level }, "raised", "quality", message, config.above)],
      };
    }
    if (state.active && level < clearAt) {
      const message = `${what} back below ${clearAt} (now ${Math.round(level * 100) / 100})`;
      return {
        state: Object.assign(next, { active: false }),
        transitions: [sensorAlert(entry, { ...input, value: level }, "cleared", "quality", message, config.above)],
      };
    }
    return { state: next, transitions: noTransitions };
  },
};
