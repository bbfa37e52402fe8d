// The one signature of a vessel rule: a pure step from (config, state, position) to (state,
// alert transitions), taking time from the position only. The engine keeps the state per rule and vessel.
import type { AlertTransition } from "../../alerts/alert-transition.js";
import type { VesselPosition } from "../../ingest/observation.js";
import type { ZoneIndex } from "../zone-index.js";

export interface RuleContext {
  zones: ZoneIndex;
  /** Registered length overall of a vessel, metres; undefined for a vessel the register does not know. */
  vesselLengthM?: (vessel: string) => number | undefined;
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
}
