// Fishing in a zone the vessel's size class may not fish in (Decree 26/2019/NĐ-CP Art. 43: coastal
// zone for < 12 m, inshore for 12–15 m, offshore for ≥ 15 m). The permitted lengths are data, in the
// zone's `fishing_permitted_for` ({min_length_m, max_length_m_exclusive}); the rule only applies to a
// registered vessel (its length comes from the register) moving at a fishing speed, for N consecutive
// fixes, so a vessel transiting to its own zone is not flagged.
import { type AlertTransition, vesselAlert } from "../../alerts/alert-transition.js";
import type { Zone } from "../zone.js";
import type { VesselRule } from "./vessel-rule.js";

export interface ZoneByClassConfig {
  confirmFixes: number;
  fishingSpeedKn: [number, number];
}

export interface ZoneByClassState {
  /** The zone the vessel is fishing in without permission, once confirmed. */
  violating?: string;
  streak: number;
  candidate?: string;
}

interface Permitted {
  min_length_m?: number;
  max_length_m_exclusive?: number;
}

/** The fishing zone the vessel is in and may not fish in at its length, if any. */
function forbiddenZone(zones: Zone[], lengthM: number): Zone | undefined {
  return zones.find((z) => {
    const permitted = z.properties.fishing_permitted_for as Permitted | undefined;
    if (z.kind !== "fishing-zone" || !permitted) return false;
    return (
      (permitted.min_length_m !== undefined && lengthM < permitted.min_length_m) ||
      (permitted.max_length_m_exclusive !== undefined && lengthM >= permitted.max_length_m_exclusive)
    );
  });
}

export const zoneByClass: VesselRule<ZoneByClassConfig, ZoneByClassState> = {
  id: "zone-by-class",
  defaults: { confirmFixes: 2, fishingSpeedKn: [0.5, 4] },
  initial: () => ({ streak: 0 }),
  step(config, state, p, { zones, vesselLengthM }) {
    const lengthM = vesselLengthM?.(p.vessel);
    if (lengthM === undefined) return { state, transitions: [] };
    const fishing = p.sogKn !== undefined && p.sogKn >= config.fishingSpeedKn[0] && p.sogKn <= config.fishingSpeedKn[1];
    const zone = fishing ? forbiddenZone(zones.containingZones(p.lat, p.lon), lengthM) : undefined;
    const observed = zone?.id;
    if (observed === state.violating) return { state: { violating: state.violating, streak: 0 }, transitions: [] };
    const streak = observed === state.candidate ? state.streak + 1 : 1;
    if (streak < config.confirmFixes) {
      const next: ZoneByClassState = { streak };
      if (state.violating !== undefined) next.violating = state.violating;
      if (observed !== undefined) next.candidate = observed;
      return { state: next, transitions: [] };
    }
    const transitions: AlertTransition[] = [];
    if (state.violating) {
      transitions.push(
        vesselAlert("zone-by-class", p, "cleared", "info", `no longer fishing in ${state.violating}`, { zone: state.violating }),
      );
    }
    if (zone) {
      transitions.push(
        vesselAlert(
          "zone-by-class",
          p,
          "raised",
          "warning",
          `a ${lengthM} m vessel fishing in ${zone.name}, where its class may not fish`,
          {
            zone: zone.id,
            value: lengthM,
          },
        ),
      );
    }
    return { state: zone ? { violating: zone.id, streak: 0 } : { streak: 0 }, transitions };
  },
};
