// Port departure and arrival, the log officers keep: arrival when a fix is inside a `port` zone;
// departure only once the vessel is more than `exitMarginKm` (default 1 km) beyond the port zone's
// edge, so a vessel anchored at the harbour mouth does not flap between the two. Both are `info`.
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { Zone } from "../zone.js";
import { distanceToEdgeM } from "./zone-transit.js";
import type { VesselRule } from "./vessel-rule.js";

export interface PortEventsConfig {
  exitMarginKm: number;
}

export interface PortEventsState {
  port?: string;
}

const distanceToEdgeKm = (zone: Zone, lat: number, lon: number) => distanceToEdgeM(zone, lat, lon) / 1000;

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
    if (port && distanceToEdgeKm(port, p.lat, p.lon) <= config.exitMarginKm) return { state, transitions: [] };
    return {
      state: {},
      transitions: [vesselAlert("port-events", p, "cleared", "info", `departed from ${port?.name ?? state.port}`, { zone: state.port })],
    };
  },
};
