// Position jump / spoofing: the speed implied by two consecutive fixes is above what a fishing vessel
// can do (default 40 kn), or the fix is on land (context.land: inside the land polygon by more than
// the coastline's accuracy, lagoons and ports excepted). The fix is flagged (later rules do not see
// it) and is not used as the reference for the next one.
import { getDistance } from "geolib";
import { vesselAlert } from "../../alerts/alert-transition.js";
import type { VesselRule } from "./vessel-rule.js";

export interface PositionJumpConfig {
  maxSpeedKn: number;
  checkLand: boolean;
  /**
   * Fixes closer in time than this are compared as if this far apart: a NAF report's time is a whole
   * minute and an AIS tag block's a whole second, so the same track through two feeds can look like a
   * jump over a fraction of a second.
   */
  minIntervalS: number;
}

export interface PositionJumpState {
  last?: { timeMs: number; lat: number; lon: number; source?: string; receiver?: string };
}

const METRES_PER_NM = 1852;

export const positionJump: VesselRule<PositionJumpConfig, PositionJumpState> = {
  id: "position-jump",
  defaults: { maxSpeedKn: 40, checkLand: true, minIntervalS: 60 },
  initial: () => ({}),
  step(config, state, p, { land }) {
    if (config.checkLand && land?.onLand(p.lat, p.lon)) {
      return {
        state,
        flagged: true,
        transitions: [
          vesselAlert(
            "position-jump",
            p,
            "raised",
            "warning",
            `fix on land (${p.lat.toFixed(4)}, ${p.lon.toFixed(4)}): spoofed or bad fix`,
          ),
        ],
      };
    }
    const last = state.last;
    // Who reported it is kept too: the fix before a jump is half of the jump's evidence.
    const here = { timeMs: p.timeMs, lat: p.lat, lon: p.lon, source: p.source, ...(p.receiver !== undefined && { receiver: p.receiver }) };
    if (!last || p.timeMs <= last.timeMs) return { state: { last: last && last.timeMs >= p.timeMs ? last : here }, transitions: [] };
    // geolib's Vincenty-free great-circle distance (accurate to ~0.5 %), metres.
    const distanceNm = getDistance({ latitude: last.lat, longitude: last.lon }, { latitude: p.lat, longitude: p.lon }, 1) / METRES_PER_NM;
    const speedKn = distanceNm / (Math.max(p.timeMs - last.timeMs, config.minIntervalS * 1000) / 3_600_000);
    if (speedKn <= config.maxSpeedKn) return { state: { last: here }, transitions: [] };
    return {
      state,
      flagged: true,
      transitions: [
        vesselAlert(
          "position-jump",
          p,
          "raised",
          "warning",
          `position jumped ${distanceNm.toFixed(1)} nm in ${Math.round((p.timeMs - last.timeMs) / 1000)} s (${Math.round(speedKn)} kn): spoofed or bad fix`,
          // Both ends of the jump: the trusted fix before it, and the one that cannot follow it.
          { value: Math.round(speedKn * 10) / 10, evidence: [{ vessel: p.vessel, ...last }, p] },
        ),
      ],
    };
  },
};
