// Overspeed: speed over ground above a limit (default 20 kn, well above a fishing vessel's transit
// speed) for N consecutive fixes; cleared after N fixes below it. A single bad speed value is not enough.
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { VesselRule } from "./vessel-rule.js";

export interface OverspeedConfig {
  maxSpeedKn: number;
  confirmFixes: number;
}

export interface OverspeedState {
  over: boolean;
  streak: number;
}

export const overspeed: VesselRule<OverspeedConfig, OverspeedState> = {
  id: "overspeed",
  defaults: { maxSpeedKn: 20, confirmFixes: 2 },
  initial: () => ({ over: false, streak: 0 }),
  step(config, state, p) {
    if (p.sogKn === undefined) return { state, transitions: [] };
    const overNow = p.sogKn > config.maxSpeedKn;
    if (overNow === state.over) return { state: { over: state.over, streak: 0 }, transitions: [] };
    const streak = state.streak + 1;
    if (streak < config.confirmFixes) return { state: { over: state.over, streak }, transitions: [] };
    return {
      state: { over: overNow, streak: 0 },
      transitions: [
        overNow
          ? vesselAlert("overspeed", p, "raised", "warning", `${p.sogKn} kn, over the ${config.maxSpeedKn} kn limit`, { value: p.sogKn })
          : vesselAlert("overspeed", p, "cleared", "info", `back to ${p.sogKn} kn`, { value: p.sogKn }),
      ],
    };
  },
};
