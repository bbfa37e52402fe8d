// Out of physical range: a value no real environment gives (negative PM, pH 15, humidity 130 %) is a
// sensor fault, raised as a sensor-health alert — not pollution — and the value is flagged so the
// quality rules after this one do not raise on it and the station indices leave it out. Ranges per quantity are data (physical-ranges.json),
// overridable per entry. Cleared once the sensor reports a plausible value again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/package-root.js";
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface PhysicalRangeConfig {
  /** Quantity → [min, max]; quantities without a range are not checked. */
  ranges: Record<string, [number, number]>;
}

const table = JSON.parse(readFileSync(join(packageRoot, "alerts", "sensor-rules", "physical-ranges.json"), "utf8")) as PhysicalRangeConfig;

/** What the sensors of each quantity can report, [min, max] (physical-ranges.json). */
export const physicalRanges: Readonly<Record<string, readonly [number, number]>> = table.ranges;

export const physicalRange: SensorRule<PhysicalRangeConfig, { active: boolean }> = {
  type: "physical-range",
  screening: "value",
  parameters: {
    type: "object",
    properties: {
      ranges: {
        type: "object",
        additionalProperties: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 },
      },
    },
    additionalProperties: false,
  },
  defaults: { ranges: table.ranges },
  initial: () => ({ active: false }),
  step(config, state, input, entry) {
    const range = config.ranges[input.quantity];
    if (!range) return { state, transitions: noTransitions };
    const [min, max] = range;
    const outside = input.value < min || input.value > max;
    if (outside && !state.active) {
      const message = `${input.quantity} ${input.value} is outside the physical range [${min}, ${max}]: sensor fault`;
      return { state: { active: true }, transitions: [sensorAlert(entry, input, "raised", "sensor-health", message)], flagged: true };
    }
    if (!outside && state.active) {
      const message = `${input.quantity} plausible again (${input.value})`;
      return { state: { active: false }, transitions: [sensorAlert(entry, input, "cleared", "sensor-health", message)] };
    }
    return { state, transitions: noTransitions, flagged: outside };
  },
};
