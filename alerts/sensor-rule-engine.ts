// Runs the configured sensor rules on every value of every accepted reading, and the timer rules on
// a clock, keeping each rule entry's state per station and quantity. Rule state is exported and
// imported as plain JSON so that it survives a restart (rule-state-store.ts).
import type { Envelope } from "../ingest/envelope.js";
import type { Observation } from "../ingest/observation.js";
import type { AlertTransition } from "./alert-transition.js";
import type { RulesConfig, SensorRuleEntry } from "./rules-config.js";
import type { RuleEntryContext, SensorInput, SensorRule } from "./sensor-rules/sensor-rule.js";
import { sensorRuleTypes } from "./sensor-rules/registry.js";

interface CompiledEntry {
  entry: SensorRuleEntry;
  // biome-ignore lint/suspicious/noExplicitAny: each rule has its own config and state types.
  rule: SensorRule<any, any>;
  context: RuleEntryContext;
  /** State per `station|quantity`. */
  states: Map<string, unknown>;
  /** Merged parameters per `station|quantity` (undefined: disabled there). */
  configs: Map<string, Record<string, unknown> | undefined>;
}

export class SensorRuleEngine {
  private entries: CompiledEntry[] = [];
  private perStation: CompiledEntry[] = [];
  private wildcard: CompiledEntry[] = [];
  private byQuantity = new Map<string, CompiledEntry[]>();
  /** Keys changed since the last export: `entryId|station|quantity`. */
  private readonly dirty = new Set<string>();

  constructor(
    config: RulesConfig,
    private readonly emit: (transition: AlertTransition) => void,
  ) {
    this.configure(config);
  }

  /** Replaces the rules; the state of entries whose id and rule type are unchanged is kept. */
  configure(config: RulesConfig): void {
    const previous = new Map(this.entries.map((c) => [c.entry.id, c]));
    this.entries = config.sensor.map((entry) => {
      const rule = sensorRuleTypes[entry.rule] as SensorRule<unknown, unknown>;
      const kept = previous.get(entry.id);
      return {
        entry,
        rule,
        context: { ruleId: entry.id, severity: entry.severity ?? "warning" },
        states: kept && kept.entry.rule === entry.rule ? kept.states : new Map(),
        configs: new Map(),
      };
    });
    this.perStation = this.entries.filter((c) => c.rule.scope === "station");
    this.wildcard = this.entries.filter((c) => c.rule.scope !== "station" && c.entry.quantity === "*");
    this.byQuantity = new Map();
    for (const compiled of this.entries) {
      if (compiled.rule.scope === "station" || compiled.entry.quantity === "*") continue;
      for (const q of Array.isArray(compiled.entry.quantity) ? compiled.entry.quantity : [compiled.entry.quantity]) {
        const list = this.byQuantity.get(q) ?? [];
        list.push(compiled);
        this.byQuantity.set(q, list);
      }
    }
  }

  private configFor(c: CompiledEntry, station: string, quantity: string): Record<string, unknown> | undefined {
    const key = `${station}|${quantity}`;
    if (c.configs.has(key)) return c.configs.get(key);
    const merged: Record<string, unknown> = {
      ...(c.rule.defaults as Record<string, unknown>),
      ...c.entry.params,
      ...c.entry.quantities?.[quantity],
      ...c.entry.stations?.[station],
    };
    const enabled = merged.enabled !== false;
    delete merged.enabled;
    c.configs.set(key, enabled ? merged : undefined);
    return enabled ? merged : undefined;
  }

  private run(c: CompiledEntry, input: SensorInput): boolean {
    const config = this.configFor(c, input.station, input.quantity);
    if (!config) return false;
    const key = `${input.station}|${input.quantity}`;
    const state = c.states.has(key) ? c.states.get(key) : c.rule.initial();
    const result = c.rule.step(config, state, input, c.context);
    if (result.state !== state) {
      c.states.set(key, result.state);
      this.dirty.add(`${c.entry.id}|${key}`);
    }
    for (const t of result.transitions) this.emit(t);
    return result.flagged === true;
  }

  /** One value (a measurement or a computed index) through the rules that watch its quantity. */
  evaluate(input: SensorInput): void {
    const specific = this.byQuantity.get(input.quantity);
    for (const c of this.wildcard) if (this.run(c, input)) return;
    if (specific) for (const c of specific) if (this.run(c, input)) return;
  }

  /** The pipeline's rule stage. */
  observe = (observation: Observation, envelope: Envelope): void => {
    if (observation.type !== "sensor_reading") return;
    const base = { station: observation.station, kind: observation.kind, timeMs: observation.timeMs, receivedAtMs: envelope.receivedAt };
    for (const c of this.perStation) this.run(c, { ...base, quantity: "*", value: Number.NaN });
    for (const quantity in observation.values) this.evaluate({ ...base, quantity, value: observation.values[quantity] as number });
  };

  /** Timer rules (offline), with the hub's clock. */
  tick(nowMs = Date.now()): void {
    for (const c of this.entries) {
      const tick = c.rule.tick;
      if (!tick) continue;
      for (const [key, state] of c.states) {
        const [station, quantity] = key.split("|") as [string, string];
        const config = this.configFor(c, station, quantity);
        if (!config) continue;
        const result = tick.call(c.rule, config, state, nowMs, { station, quantity }, c.context);
        if (result.state !== state) {
          c.states.set(key, result.state);
          this.dirty.add(`${c.entry.id}|${key}`);
        }
        for (const t of result.transitions) this.emit(t);
      }
    }
  }

  /** States changed since the last call, as `entryId|station|quantity` → state. */
  takeChanges(): [string, unknown][] {
    const changes: [string, unknown][] = [];
    const byId = new Map(this.entries.map((c) => [c.entry.id, c]));
    for (const key of this.dirty) {
      const bar = key.indexOf("|");
      const c = byId.get(key.slice(0, bar));
      if (c) changes.push([key, c.states.get(key.slice(bar + 1))]);
    }
    this.dirty.clear();
    return changes;
  }

  /** Restores states saved by takeChanges (entries no longer configured are ignored). */
  restore(saved: Iterable<[string, unknown]>): void {
    const byId = new Map(this.entries.map((c) => [c.entry.id, c]));
    for (const [key, state] of saved) {
      const bar = key.indexOf("|");
      byId.get(key.slice(0, bar))?.states.set(key.slice(bar + 1), state);
    }
  }
}
