// Encounter (possible transshipment at sea): two vessels within `maxDistanceM` of each other for at
// least `minHours`, both slower than `maxSpeedKn`, at least `minPortDistanceKm` from any port zone.
// Defaults follow Global Fishing Watch's published encounter definition (500 m, 2 h, < 2 kn, 10 km
// from an anchorage). One alert per pair: the vessel with the smaller id is the subject, the other the
// detail. A pair not seen together for `gapMinutes` ends (the alert clears).
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import { distanceToEdgeM } from "./zone-transit.js";
import type { VesselRule } from "./vessel-rule.js";

export interface EncounterConfig {
  maxDistanceM: number;
  minHours: number;
  maxSpeedKn: number;
  minPortDistanceKm: number;
  gapMinutes: number;
}

export interface EncounterState {
  /** Other vessel → when they were first and last seen together, and whether it was raised. */
  pairs: Record<string, { sinceMs: number; lastMs: number; alerted: boolean }>;
}

const HOUR = 3_600_000;

export const encounter: VesselRule<EncounterConfig, EncounterState> = {
  id: "encounter",
  defaults: { maxDistanceM: 500, minHours: 2, maxSpeedKn: 2, minPortDistanceKm: 10, gapMinutes: 30 },
  initial: () => ({ pairs: {} }),
  step(config, state, p, { fleet, zones }) {
    const transitions: AlertTransition[] = [];
    const slow = p.sogKn !== undefined && p.sogKn < config.maxSpeedKn;
    const awayFromPorts =
      slow &&
      zones.zones.filter((z) => z.kind === "port").every((z) => distanceToEdgeM(z, p.lat, p.lon) >= config.minPortDistanceKm * 1000);
    const together = new Set<string>();
    if (fleet && slow && awayFromPorts) {
      for (const other of fleet.near(p.lat, p.lon, config.maxDistanceM, p.timeMs - config.gapMinutes * 60_000, p.vessel)) {
        if (other.sogKn === undefined || other.sogKn >= config.maxSpeedKn) continue;
        together.add(other.vessel);
      }
    }
    const pairs: EncounterState["pairs"] = {};
    for (const other of new Set([...together, ...Object.keys(state.pairs)])) {
      const pair = state.pairs[other];
      const subjectIsMine = p.vessel < other;
      if (together.has(other)) {
        const next = { sinceMs: pair?.sinceMs ?? p.timeMs, lastMs: p.timeMs, alerted: pair?.alerted ?? false };
        const hours = (p.timeMs - next.sinceMs) / HOUR;
        if (!next.alerted && hours >= config.minHours) {
          next.alerted = true;
          if (subjectIsMine) {
            transitions.push({
              ...vesselAlert(
                "encounter",
                p,
                "raised",
                "warning",
                `possible transshipment: within ${config.maxDistanceM} m of ${other} at < ${config.maxSpeedKn} kn for ${hours.toFixed(1)} h`,
                {
                  value: Math.round(hours * 10) / 10,
                },
              ),
              detail: other,
            });
          }
        }
        pairs[other] = next;
      } else if (pair && p.timeMs - pair.lastMs < config.gapMinutes * 60_000) {
        pairs[other] = pair;
      } else if (pair?.alerted && subjectIsMine) {
        transitions.push({ ...vesselAlert("encounter", p, "cleared", "info", `apart from ${other} again`), detail: other });
      }
    }
    return { state: { pairs }, transitions };
  },
};
