// Zone entry and exit (Decree 26/2019 Art. 44(2)(c): monitoring must alert when a vessel enters or
// leaves a defined area), with hysteresis: a change of side counts only after `confirmFixes`
// consecutive fixes on the new side, or at once when the fix is at least `minDistanceM` from the
// zone's edge, so a vessel sailing along an edge does not flap. Entry raises an `info` alert for
// (vessel, zone) and exit clears it.
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import { distanceToLinesM } from "../local-distance.js";
import type { Zone } from "../zone.js";
import type { VesselRule } from "./vessel-rule.js";

export interface ZoneTransitConfig {
  confirmFixes: number;
  minDistanceM: number;
  /** Zone kinds that give entry and exit events. */
  kinds: string[];
}

export interface ZoneTransitState {
  /** Zones the vessel is confirmed inside. */
  inside: string[];
  /** Zone id → consecutive fixes on the other side than `inside` says. */
  streak: Record<string, number>;
}

/** Metres from the point to the zone's nearest edge (local-equirectangular, within 0.5 %). */
export function distanceToEdgeM(zone: Zone, lat: number, lon: number): number {
  const g = zone.geometry;
  return distanceToLinesM(
    lat,
    lon,
    g.type === "Polygon" ? g.coordinates : g.type === "MultiPolygon" ? g.coordinates.flat() : [g.coordinates],
  );
}

export const zoneTransit: VesselRule<ZoneTransitConfig, ZoneTransitState> = {
  id: "zone-transit",
  defaults: { confirmFixes: 2, minDistanceM: 50, kinds: ["mpa", "fishing-zone", "port", "custom"] },
  initial: () => ({ inside: [], streak: {} }),
  step(config, state, p, { zones }) {
    const here = zones.containingZones(p.lat, p.lon).filter((z) => config.kinds.includes(z.kind));
    const hereIds = new Set(here.map((z) => z.id));
    const byId = new Map(zones.zones.map((z) => [z.id, z]));
    const inside = new Set(state.inside);
    const streak: Record<string, number> = {};
    const transitions: AlertTransition[] = [];
    for (const id of new Set([...hereIds, ...inside])) {
      const zone = byId.get(id);
      if (hereIds.has(id) === inside.has(id)) continue;
      const count = (state.streak[id] ?? 0) + 1;
      const far = zone ? distanceToEdgeM(zone, p.lat, p.lon) >= config.minDistanceM : true;
      if (count < config.confirmFixes && !far) {
        streak[id] = count;
        continue;
      }
      const name = zone?.name ?? id;
      if (hereIds.has(id)) {
        inside.add(id);
        transitions.push({ ...vesselAlert("zone-transit", p, "raised", "info", `entered ${name}`, { zone: id }), detail: id });
      } else {
        inside.delete(id);
        transitions.push({ ...vesselAlert("zone-transit", p, "cleared", "info", `left ${name}`, { zone: id }), detail: id });
      }
    }
    return { state: { inside: [...inside].sort(), streak }, transitions };
  },
};
