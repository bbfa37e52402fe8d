// Flat-line: a stuck sensor repeats one value. Raised (a sensor-health alert, not pollution) when
// the same value (within `tolerance`) has come `readings` times in a row over at least `minutes`;
// cleared by the first different value. While it is raised the stuck value is flagged: it is no
// measurement, so the quality rules do not raise on it (a sensor stuck at 180 µg/m³ would otherwise
// raise "PM2.5 sustained" an hour later) and the station indices leave it out. The readings before
// it was found stuck were taken as measurements.
//
// A working sensor rests at the ends of what it can report: SO₂ at 0 in clean air, humidity at 100 %
// through a night of rain, salinity at 0 in a fresh-water river. Repeats at such a limit (`limits`,
// by default the ends of the quantity's physical range) wait `atLimitMinutes` (12 h) instead: a
// sensor dead at zero is still found, the rain is not taken for a fault.
import { physicalRanges } from "./physical-range.js";
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface FlatLineConfig {
  readings: number;
  minutes: number;
  tolerance: number;
  atLimitMinutes: number;
  /** Values at which a working sensor may repeat itself; the physical range's ends when absent. */
  limits?: number[];
}

export interface FlatLineState {
  active: boolean;
  value?: number;
  count: number;
  sinceMs?: number;
}

/** The limit `value` rests at ("bottom"/"top" of the physical range, or a configured one), if any. */
function limitAt(config: FlatLineConfig, quantity: string, value: number): "bottom" | "top" | "limit" | undefined {
  const near = (limit: number) => Math.abs(value - limit) <= config.tolerance;
  if (config.limits) return config.limits.some(near) ? "limit" : undefined;
  const range = physicalRanges[quantity];
  if (!range) return undefined;
  if (near(range[0])) return "bottom";
  return near(range[1]) ? "top" : undefined;
}

const duration = (minutes: number) => (minutes < 120 ? `${Math.round(minutes)} min` : `${Math.round(minutes / 6) / 10} h`);

export const flatLine: SensorRule<FlatLineConfig, FlatLineState> = {
  type: "flat-line",
  screening: "sensor",
  parameters: {
    type: "object",
    properties: {
      readings: { type: "integer", minimum: 2 },
      minutes: { type: "number", minimum: 0 },
      tolerance: { type: "number", minimum: 0 },
      atLimitMinutes: { type: "number", minimum: 0 },
      limits: { type: "array", items: { type: "number" } },
    },
    additionalProperties: false,
  },
  defaults: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720 },
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
    state.count++;
    if (state.active) return { state, transitions: noTransitions, flagged: true };
    const minutes = (input.timeMs - (state.sinceMs ?? input.timeMs)) / 60_000;
    if (state.count < config.readings || minutes < config.minutes) return { state, transitions: noTransitions };
    const limit = limitAt(config, input.quantity, state.value as number);
    if (limit && minutes < config.atLimitMinutes) return { state, transitions: noTransitions };
    state.active = true;
    const where = limit
      ? ` (the ${limit === "limit" ? "configured limit" : `${limit} of its range`}, where a working sensor rests a while)`
      : "";
    const message = `${input.quantity} stuck at ${state.value}${where} for ${state.count} readings over ${duration(minutes)}: check the sensor`;
    return { state, transitions: [sensorAlert(entry, input, "raised", "sensor-health", message)], flagged: true };
  },
};
