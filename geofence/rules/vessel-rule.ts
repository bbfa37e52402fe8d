// The one signature of a vessel rule: a pure step from (config, state, position) to (state,
// alert transitions), taking time from the position only. The engine keeps the state per rule and vessel.
import type { AlertTransition } from "../../alerts/alert-transition.js";
import type { TimerClock } from "../../alerts/timer-clock.js";
import type { VesselPosition } from "../../ingest/observation.js";
import type { ZoneIndex } from "../zone-index.js";

export interface RuleContext {
  zones: ZoneIndex;
  /** Registered length overall of a vessel, metres; undefined for a vessel the register does not know. */
  vesselLengthM?: (vessel: string) => number | undefined;
  /** The latest trusted fix of every vessel, for rules about vessels near each other (encounters). */
  fleet?: FleetView;
  /** Land and shore distance, for fixes on land and distance from shore (loitering). */
  land?: LandView;
}

export interface FleetFix {
  vessel: string;
  timeMs: number;
  lat: number;
  lon: number;
  sogKn?: number;
}

export interface FleetView {
  /** Other vessels whose latest fix is within `radiusM` of the point and not older than `sinceMs`. */
  near(lat: number, lon: number, radiusM: number, sinceMs: number, except: string): FleetFix[];
}

export interface LandView {
  /** True when the point is on land by more than the coastline's accuracy (lagoons and ports are water). */
  onLand(lat: number, lon: number): boolean;
  /** Geodesic distance to the nearest shore, nautical miles. */
  distanceToShoreNm(lat: number, lon: number): number;
}

export interface StepResult<S> {
  state: S;
  transitions: AlertTransition[];
  /** The fix is not to be trusted (a jump, a fix on land): later rules do not see it. */
  flagged?: boolean;
}

export interface VesselRule<C, S> {
  id: string;
  defaults: C;
  initial(): S;
  step(config: C, state: S, position: VesselPosition, context: RuleContext): StepResult<S>;
  /** Evaluated on a timer with the hub's clock, for what no position reports (silence). */
  tick?(config: C, state: S, clock: TimerClock, vessel: string, context: RuleContext): StepResult<S>;
}
