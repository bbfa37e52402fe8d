// Sustained exceedance: the value stays above `above` for `forMinutes` (mode `continuous`), or its
// mean over the last `forMinutes` exceeds it (mode `mean`, e.g. an hourly mean). Cleared when the
// value (or mean) drops below `clearBelow` (default: `above`).
import { type SensorRule, noTransitions, sensorAlert, unjudgedResult } from "./sensor-rule.js";

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
  /** The window as one-minute buckets (mean mode), oldest first: [minute since the epoch, sum, count]. */
  buckets: [number, number, number][];
  /**
   * Where the window starts in `buckets` (absent: 0). Buckets before it have left the window and go
   * in batches, not one shift() per new minute: V8's shift() of a long-lived array, trimmed and
   * regrown every minute, cost ~200 ns a step on a hub that had run for a while (measured: 225 ns
   * against 23 ns with this index, 20,000 minutes of one station).
   */
  start?: number;
  /** Sum and count over the buckets. */
  sum: number;
  count: number;
}

/** What the rule watches, for its messages (built only for a transition: steps run for every value). */
const watched = (config: SustainedConfig, quantity: string) =>
  config.mode === "mean" ? `${config.forMinutes}-min mean of ${quantity}` : quantity;

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
  initial: () => ({ active: false, buckets: [], sum: 0, count: 0 }),
  step(config, state, input, entry) {
    const spanMs = config.forMinutes * 60_000;
    const clearAt = config.clearBelow ?? config.above;
    let level: number;
    let holds: boolean;
    let next: SustainedState;
    if (config.mode === "mean") {
      // The window is kept as one-minute buckets (at most forMinutes + 2 of them, whatever the reading
      // rate), owned by this rule's state and updated in place: a step is O(1) and the saved state small.
      const minute = Math.floor(input.timeMs / 60_000);
      const buckets = state.buckets;
      let first = state.start ?? 0;
      const last = buckets[buckets.length - 1];
      if (last !== undefined && last[0] === minute) {
        last[1] += input.value;
        last[2] += 1;
      } else if (last === undefined || last[0] < minute) {
        // A new minute: the buckets it pushes out of the window leave it first.
        const oldest = minute - config.forMinutes;
        for (let b = buckets[first]; b !== undefined && b[0] < oldest; b = buckets[++first]) {
          state.sum -= b[1];
          state.count -= b[2];
        }
        if (first >= 32 && first * 2 >= buckets.length) {
          buckets.splice(0, first);
          first = 0;
        }
        buckets.push([minute, input.value, 1]);
        state.start = first;
      } else {
        // A reading older than the newest bucket (late): counted in the bucket of its minute if kept.
        let bucket: [number, number, number] | undefined;
        for (let i = first; i < buckets.length && bucket === undefined; i++)
          if ((buckets[i] as [number, number, number])[0] === minute) bucket = buckets[i];
        if (!bucket) return { state, transitions: noTransitions };
        bucket[1] += input.value;
        bucket[2] += 1;
      }
      state.sum += input.value;
      state.count += 1;
      level = state.sum / state.count;
      // A mean needs the window covered: the oldest bucket must be close to the window's start.
      const span = (buckets[buckets.length - 1] as [number, number, number])[0] - (buckets[first] as [number, number, number])[0];
      const covered = span >= config.forMinutes * 0.9;
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
    if (!state.active && holds) {
      const message = `${watched(config, input.quantity)} above ${config.above} for ${config.forMinutes} min (now ${Math.round(level * 100) / 100})`;
      return {
        state: Object.assign(next, { active: true }),
        transitions: [sensorAlert(entry, { ...input, value: level }, "raised", "quality", message, config.above)],
      };
    }
    if (state.active && level < clearAt) {
      const message = `${watched(config, input.quantity)} back below ${clearAt} (now ${Math.round(level * 100) / 100})`;
      return {
        state: Object.assign(next, { active: false }),
        transitions: [sensorAlert(entry, { ...input, value: level }, "cleared", "quality", message, config.above)],
      };
    }
    return { state: next, transitions: noTransitions };
  },
  // Afresh: the window held the stuck values; a recovered sensor needs a full window of measurements.
  unjudged: (config, state, input, entry, why) => unjudgedResult(state, sustained.initial(), entry, input, why, config.above),
};
