// Runs the vessel rules on every vessel position, keeping each rule's state per vessel, and hands the
// alert transitions on. Positions older than the vessel's last one (late data) are stored but not
// run through the rules, which would otherwise see the vessel jump back in time.
import type { AlertTransition } from "../alerts/alert-transition.js";
import type { Observation } from "../ingest/observation.js";
import type { ZoneIndex } from "./zone-index.js";
import { vesselRules } from "./rules/registry.js";

export class VesselRuleEngine {
  private readonly states = new Map<string, unknown>();
  private readonly lastSeen = new Map<string, number>();

  constructor(
    private readonly zones: () => ZoneIndex,
    private readonly emit: (transition: AlertTransition) => void,
    private readonly rules = vesselRules,
    private readonly vesselLengthM?: (vessel: string) => number | undefined,
  ) {}

  observe = (observation: Observation): void => {
    if (observation.type !== "vessel_position") return;
    const last = this.lastSeen.get(observation.vessel);
    if (last !== undefined && observation.timeMs < last) return;
    this.lastSeen.set(observation.vessel, observation.timeMs);
    const context = { zones: this.zones(), ...(this.vesselLengthM && { vesselLengthM: this.vesselLengthM }) };
    for (const rule of this.rules) {
      const key = `${rule.id}/${observation.vessel}`;
      const state = this.states.has(key) ? this.states.get(key) : rule.initial();
      const result = rule.step(rule.defaults, state, observation, context);
      this.states.set(key, result.state);
      for (const t of result.transitions) this.emit(t);
      if (result.flagged) break;
    }
  };
}
