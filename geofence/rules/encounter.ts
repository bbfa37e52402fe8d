// Encounter (possible transshipment at sea): two vessels within `maxDistanceM` of each other for at
// least `minHours`, both slower than `maxSpeedKn`, at least `minPortDistanceKm` from any port zone.
// Defaults follow Global Fishing Watch's published encounter definition (500 m, 2 h, < 2 kn, 10 km
// from an anchorage). One alert per pair: the vessel with the smaller id is the subject, the other the
// detail. A pair not seen together for `gapMinutes` ends (the alert clears).
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import { distanceToEdgeM } from "./zone-transit.js";
import type { RuleContext, VesselRule } from "./vessel-rule.js";

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

/** At least `km` from every port zone: outside each port's bounding box grown by `km`, or measured. */
function awayFromPorts(zones: RuleContext["zones"], lat: number, lon: number, km: number): boolean {
  const dLat = km / 111;
  const dLon = km / (111 * Math.cos((lat * Math.PI) / 180));
  return zones.zones
    .filter((z) => z.kind === "port")
    .every((z) => {
      const [minX, minY, maxX, maxY] = z.bbox;
      if (lat < minY - dLat || lat > maxY + dLat || lon < minX - dLon || lon > maxX + dLon) return true;
      return !zones.containingZones(lat, lon).includes(z) && distanceToEdgeM(z, lat, lon) >= km * 1000;
    });
}

export const encounter: VesselRule<EncounterConfig, EncounterState> = {
  id: "encounter",
  defaults: { maxDistanceM: 500, minHours: 2, maxSpeedKn: 2, minPortDistanceKm: 10, gapMinutes: 30 },
  initial: () => ({ pairs: {} }),
  step(config, state, p, { fleet, zones }) {
    const transitions: AlertTransition[] = [];
    const slow = p.sogKn !== undefined && p.sogKn < config.maxSpeedKn;
    const together = new Set<string>();
    // Cheapest test first: most slow fixes have no slow vessel near them, and the port distance costs more.
    const near =
      fleet && slow
        ? fleet
            .near(p.lat, p.lon, config.maxDistanceM, p.timeMs - config.gapMinutes * 60_000, p.vessel)
            .filter((o) => o.sogKn !== undefined && o.sogKn < config.maxSpeedKn)
        : [];
    if (near.length > 0 && awayFromPorts(zones, p.lat, p.lon, config.minPortDistanceKm))
      for (const other of near) together.add(other.vessel);
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
                // Both vessels' fixes: where each was when the encounter was judged.
                { value: Math.round(hours * 10) / 10, evidence: [p, ...near.filter((o) => o.vessel === other)] },
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
