// Runs the vessel rules on every vessel position, keeping each rule's state per vessel, and hands the
// alert transitions on. Positions older than the vessel's last one (late data) are stored but not
// run through the rules, which would otherwise see the vessel jump back in time. States are plain
// JSON, handed out when changed so that they survive a restart (alerts/rule-state-store.ts).
import type { AlertTransition } from "../alerts/alert-transition.js";
import type { Observation } from "../ingest/observation.js";
import type { ZoneIndex } from "./zone-index.js";
import { vesselRules } from "./rules/registry.js";

export class VesselRuleEngine {
  private readonly states = new Map<string, unknown>();
  private readonly lastSeen = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private configs = new Map<string, unknown>();

  constructor(
    private readonly zones: () => ZoneIndex,
    private readonly emit: (transition: AlertTransition) => void,
    private readonly rules = vesselRules,
    private readonly vesselLengthM?: (vessel: string) => number | undefined,
  ) {
    this.configure({});
  }

  /** Parameter overrides per rule id (the rules config's `vessel` section) over each rule's defaults. */
  configure(overrides: Readonly<Record<string, Record<string, unknown>>>): void {
    this.configs = new Map(this.rules.map((rule) => [rule.id, { ...(rule.defaults as object), ...overrides[rule.id] }]));
  }

  observe = (observation: Observation): void => {
    if (observation.type !== "vessel_position") return;
    const last = this.lastSeen.get(observation.vessel);
    if (last !== undefined && observation.timeMs < last) return;
    this.lastSeen.set(observation.vessel, observation.timeMs);
    this.dirty.add(`last/${observation.vessel}`);
    const context = { zones: this.zones(), ...(this.vesselLengthM && { vesselLengthM: this.vesselLengthM }) };
    for (const rule of this.rules) {
      const key = `${rule.id}/${observation.vessel}`;
      const state = this.states.has(key) ? this.states.get(key) : rule.initial();
      const result = rule.step(this.configs.get(rule.id), state, observation, context);
      if (result.state !== state) {
        this.states.set(key, result.state);
        this.dirty.add(key);
      }
      for (const t of result.transitions) this.emit(t);
      if (result.flagged) break;
    }
  };

  /** States changed since the last call (`ruleId/vessel` → state, `last/vessel` → time of the last fix). */
  takeChanges(): [string, unknown][] {
    const changes: [string, unknown][] = [];
    for (const key of this.dirty) {
      changes.push([key, key.startsWith("last/") ? this.lastSeen.get(key.slice(5)) : this.states.get(key)]);
    }
    this.dirty.clear();
    return changes;
  }

  restore(saved: Iterable<[string, unknown]>): void {
    for (const [key, state] of saved) {
      if (key.startsWith("last/")) this.lastSeen.set(key.slice(5), state as number);
      else this.states.set(key, state);
    }
  }
}
