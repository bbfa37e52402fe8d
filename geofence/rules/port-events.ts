// Port departure and arrival, the log officers keep: arrival when a fix is inside a `port` zone;
// departure only once the vessel is more than `exitMarginKm` (default 1 km) beyond the port zone's
// edge, so a vessel anchored at the harbour mouth does not flap between the two. Both are `info`.
import { point } from "@turf/helpers";
import pointToLineDistance from "@turf/point-to-line-distance";
import { lineString } from "@turf/helpers";
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { Zone } from "../zone.js";
import type { VesselRule } from "./vessel-rule.js";

export interface PortEventsConfig {
  exitMarginKm: number;
}

export interface PortEventsState {
  port?: string;
}

function distanceToZoneKm(zone: Zone, lat: number, lon: number): number {
  const g = zone.geometry;
  const rings = g.type === "Polygon" ? g.coordinates : g.type === "MultiPolygon" ? g.coordinates.flat() : [g.coordinates];
  let best = Number.POSITIVE_INFINITY;
  for (const ring of rings)
    best = Math.min(best, pointToLineDistance(point([lon, lat]), lineString(ring), { units: "kilometers", method: "geodesic" }));
  return best;
}

export const portEvents: VesselRule<PortEventsConfig, PortEventsState> = {
  id: "port-events",
  defaults: { exitMarginKm: 1 },
  initial: () => ({}),
  step(config, state, p, { zones }) {
    const inside = zones.containingZones(p.lat, p.lon).find((z) => z.kind === "port");
    if (!state.port) {
      if (!inside) return { state, transitions: [] };
      return {
        state: { port: inside.id },
        transitions: [vesselAlert("port-events", p, "raised", "info", `arrived in ${inside.name}`, { zone: inside.id })],
      };
    }
    if (inside) return { state: { port: inside.id }, transitions: [] };
    const port = zones.zones.find((z) => z.id === state.port);
    if (port && distanceToZoneKm(port, p.lat, p.lon) <= config.exitMarginKm) return { state, transitions: [] };
    return {
      state: {},
      transitions: [vesselAlert("port-events", p, "cleared", "info", `departed from ${port?.name ?? state.port}`, { zone: state.port })],
    };
  },
};
