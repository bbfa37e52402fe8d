// Marine protected area intrusion: raised once a vessel has been inside an `mpa` zone for N
// consecutive fixes (default 2, so GPS jitter along the edge does not flap), escalated to critical
// when it dwells longer than M minutes or moves at a fishing speed inside, cleared after N consecutive
// fixes outside.
import { type AlertTransition, vesselAlert } from "../../alerts/alert-transition.js";
import type { VesselPosition } from "../../ingest/observation.js";
import type { VesselRule } from "./vessel-rule.js";

export interface MpaIntrusionConfig {
  confirmFixes: number;
  dwellMinutes: number;
  /** Speeds (knots) that look like fishing: [min, max]. */
  fishingSpeedKn: [number, number];
}

export interface MpaIntrusionState {
  inside: boolean;
  /** Consecutive fixes on the other side of the edge than `inside` says. */
  streak: number;
  zone?: string;
  enteredAtMs?: number;
  escalated: boolean;
}

function transition(
  p: VesselPosition,
  state: AlertTransition["state"],
  severity: AlertTransition["severity"],
  zone: string,
  message: string,
): AlertTransition {
  return vesselAlert("mpa-intrusion", p, state, severity, message, { zone });
}

export const mpaIntrusion: VesselRule<MpaIntrusionConfig, MpaIntrusionState> = {
  id: "mpa-intrusion",
  defaults: { confirmFixes: 2, dwellMinutes: 30, fishingSpeedKn: [0.5, 4] },
  initial: () => ({ inside: false, streak: 0, escalated: false }),
  step(config, state, p, { zones }) {
    const mpa = zones.containingZones(p.lat, p.lon).find((z) => z.kind === "mpa");
    const insideNow = mpa !== undefined;
    const transitions: AlertTransition[] = [];
    let next: MpaIntrusionState = { ...state };
    if (insideNow === state.inside) {
      next.streak = 0;
    } else if (++next.streak >= config.confirmFixes) {
      if (insideNow && mpa) {
        next = { inside: true, streak: 0, zone: mpa.id, enteredAtMs: p.timeMs, escalated: false };
        transitions.push(transition(p, "raised", "warning", mpa.id, `entered the protected area ${mpa.name}`));
      } else {
        transitions.push(transition(p, "cleared", "info", state.zone ?? "", `left the protected area ${state.zone ?? ""}`));
        next = { inside: false, streak: 0, escalated: false };
      }
    }
    if (next.inside && !next.escalated && next.zone) {
      const dwellMin = (p.timeMs - (next.enteredAtMs ?? p.timeMs)) / 60_000;
      const fishing = p.sogKn !== undefined && p.sogKn >= config.fishingSpeedKn[0] && p.sogKn <= config.fishingSpeedKn[1];
      if (dwellMin >= config.dwellMinutes || fishing) {
        next.escalated = true;
        const why = fishing ? `moving at ${p.sogKn} kn, a fishing speed` : `inside for ${Math.round(dwellMin)} min`;
        transitions.push(transition(p, "escalated", "critical", next.zone, `in the protected area ${next.zone}: ${why}`));
      }
    }
    return { state: next, transitions };
  },
};
