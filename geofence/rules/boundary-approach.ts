// Boundary approach and crossing: within 5 nm of a `boundary` line a warning, within 1 nm critical
// (leaving a level needs 0.5 nm more, so a vessel fishing along the limit does not flap), and a
// critical alert when the track between two fixes crosses the line.
import { type AlertTransition, vesselAlert } from "../../alerts/alert-transition.js";
import type { VesselPosition } from "../../ingest/observation.js";
import { segmentsIntersect } from "../zone.js";
import type { VesselRule } from "./vessel-rule.js";

export interface BoundaryApproachConfig {
  warningNm: number;
  criticalNm: number;
  hysteresisNm: number;
}

export interface BoundaryApproachState {
  level: "clear" | "warning" | "critical";
  last?: { lat: number; lon: number };
}

const RANK = { clear: 0, warning: 1, critical: 2 } as const;

function alert(
  p: VesselPosition,
  state: AlertTransition["state"],
  severity: AlertTransition["severity"],
  message: string,
  distanceNm?: number,
  zone?: string,
): AlertTransition {
  return vesselAlert("boundary-approach", p, state, severity, message, {
    ...(distanceNm !== undefined && { value: Math.round(distanceNm * 100) / 100 }),
    ...(zone !== undefined && { zone }),
  });
}

export const boundaryApproach: VesselRule<BoundaryApproachConfig, BoundaryApproachState> = {
  id: "boundary-approach",
  defaults: { warningNm: 5, criticalNm: 1, hysteresisNm: 0.5 },
  initial: () => ({ level: "clear" }),
  step(config, state, p, { zones }) {
    const transitions: AlertTransition[] = [];
    const here = { lat: p.lat, lon: p.lon };
    if (state.last) {
      for (const line of zones.boundaries) {
        const c = line.geometry.coordinates;
        for (let i = 0; i < c.length - 1; i++) {
          if (segmentsIntersect([state.last.lon, state.last.lat], [p.lon, p.lat], c[i] as number[], c[i + 1] as number[])) {
            transitions.push(alert(p, "raised", "critical", "crossed the boundary line", 0, String(line.properties?.zone ?? "")));
            break;
          }
        }
      }
    }
    const distanceNm = zones.nearestBoundaryNm(p.lat, p.lon);
    if (distanceNm === null) return { state: { level: "clear", last: here }, transitions };
    const entering = distanceNm <= config.criticalNm ? "critical" : distanceNm <= config.warningNm ? "warning" : "clear";
    // Stepping down a level needs the hysteresis margin beyond its threshold.
    const leaving =
      distanceNm > config.warningNm + config.hysteresisNm
        ? "clear"
        : distanceNm > config.criticalNm + config.hysteresisNm
          ? "warning"
          : "critical";
    let level = state.level;
    if (RANK[entering] > RANK[level]) level = entering;
    else if (RANK[leaving] < RANK[level]) level = leaving;
    if (level !== state.level) {
      if (level === "clear")
        transitions.push(alert(p, "cleared", "info", `more than ${config.warningNm} nm from the boundary again`, distanceNm));
      else if (RANK[level] > RANK[state.level]) {
        transitions.push(
          alert(p, state.level === "clear" ? "raised" : "escalated", level, `${distanceNm.toFixed(1)} nm from the boundary`, distanceNm),
        );
      } else transitions.push(alert(p, "raised", "warning", `back to ${distanceNm.toFixed(1)} nm from the boundary`, distanceNm));
    }
    return { state: { level, last: here }, transitions };
  },
};
