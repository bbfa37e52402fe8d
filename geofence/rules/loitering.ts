// Loitering: slower than `maxSpeedKn` for at least `minHours` while at least `minShoreDistanceNm`
// from shore (Global Fishing Watch's loitering event: < 2 kn, ≥ 20 nm from shore). Cleared when the
// vessel moves on or comes closer to shore. Needs the land polygon (context.land).
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { VesselRule } from "./vessel-rule.js";

export interface LoiteringConfig {
  maxSpeedKn: number;
  minHours: number;
  minShoreDistanceNm: number;
}

export interface LoiteringState {
  sinceMs?: number;
  alerted: boolean;
}

const HOUR = 3_600_000;

export const loitering: VesselRule<LoiteringConfig, LoiteringState> = {
  id: "loitering",
  defaults: { maxSpeedKn: 2, minHours: 2, minShoreDistanceNm: 20 },
  initial: () => ({ alerted: false }),
  step(config, state, p, { land, zones }) {
    // A vessel in port (moored, slow) is not loitering: the cheap zone test spares the shore distance.
    const slow =
      p.sogKn !== undefined && p.sogKn < config.maxSpeedKn && !zones.containingZones(p.lat, p.lon).some((z) => z.kind === "port");
    const offshoreNm = slow && land ? land.distanceToShoreNm(p.lat, p.lon) : 0;
    if (!slow || offshoreNm < config.minShoreDistanceNm) {
      if (!state.alerted) return { state: state.sinceMs === undefined ? state : { alerted: false }, transitions: [] };
      return { state: { alerted: false }, transitions: [vesselAlert("loitering", p, "cleared", "info", "moving on")] };
    }
    const sinceMs = state.sinceMs ?? p.timeMs;
    const hours = (p.timeMs - sinceMs) / HOUR;
    if (state.alerted || hours < config.minHours) return { state: { sinceMs, alerted: state.alerted }, transitions: [] };
    return {
      state: { sinceMs, alerted: true },
      transitions: [
        vesselAlert(
          "loitering",
          p,
          "raised",
          "warning",
          `loitering: under ${config.maxSpeedKn} kn for ${hours.toFixed(1)} h, ${offshoreNm.toFixed(0)} nm from shore`,
          {
            value: Math.round(hours * 10) / 10,
          },
        ),
      ],
    };
  },
};
