// Runs the vessel rules on every vessel position, keeping each rule's state per vessel, and hands the
// alert transitions on; runs the timer rules (going dark) on a clock, grouping vessels that go dark
// together behind one provider into one provider-outage alert. Positions older than the vessel's last
// one (late data) are stored but not run through the rules, which would otherwise see the vessel jump
// back in time. States are plain JSON, handed out when changed so that they survive a restart
// (alerts/rule-state-store.ts).
import { type AlertTransition, outageAlert } from "../alerts/alert-transition.js";
import { type Downtime, type TimerClock, timerClock } from "../alerts/timer-clock.js";
import type { Envelope } from "../ingest/envelope.js";
import type { Observation, VesselPosition } from "../ingest/observation.js";
import { FleetPositions } from "./fleet-positions.js";
import { type OutageConfig, defaultOutageConfig, providersOut } from "./rules/dark-outage.js";
import { type GoingDarkConfig, type GoingDarkState, judgesVessel } from "./rules/going-dark.js";
import { vesselRules } from "./rules/registry.js";
import type { LandView, RuleContext } from "./rules/vessel-rule.js";
import type { ZoneIndex } from "./zone-index.js";
import { isUnregisteredVessel } from "../ingest/vessel-id.js";

const HOUR = 3_600_000;
const OUTAGE_RULE = "provider-outage";

interface Outage {
  sinceMs: number;
  vessels: number;
}

export interface VesselRuleOptions {
  vesselLengthM?: (vessel: string) => number | undefined;
  land?: LandView;
  /**
   * The state of a transmitter the register does not know (`unregistered:…`) is forgotten once it
   * has been silent this long (default 11 days, past going-dark's last step of 10): every ship a
   * coastal receiver hears passing by would otherwise stay in memory (~2.3 KB each, measured) and in
   * the saved state for good. The register's own vessels are kept: the register bounds them.
   */
  forgetUnregisteredAfterMs?: number;
  /** The hub's own downtime, which going dark does not count as silence (alerts/timer-clock.ts). */
  downtime?: Downtime;
}

const DEFAULT_FORGET_AFTER_MS = 264 * HOUR;

export class VesselRuleEngine {
  private readonly states = new Map<string, unknown>();
  private readonly lastSeen = new Map<string, number>();
  /**
   * Vessels with a newer fix since the last timer round. A round judges the silence only of vessels
   * that sent nothing newer since the round before: one that is sending is not silent, whatever the
   * time of its fixes (a VMS provider delivering what it buffered, a replayed log); the round after
   * it stops judges it by its last fix's time. In memory: a restarted hub judges at once.
   */
  private readonly sentSinceRound = new Set<string>();
  private readonly outages = new Map<string, Outage>();
  private readonly dirty = new Set<string>();
  private readonly fleet = new FleetPositions();
  private configs = new Map<string, Record<string, unknown>>();
  /** Rule id → zone id → parameter overrides (the rules config's `vessel.<rule>.zones`). */
  private zoneOverrides = new Map<string, Record<string, Record<string, unknown>>>();
  private outageConfig: OutageConfig = defaultOutageConfig;

  constructor(
    private readonly zones: () => ZoneIndex,
    private readonly emit: (transition: AlertTransition) => void,
    private readonly rules = vesselRules,
    private readonly options: VesselRuleOptions = {},
  ) {
    this.configure({});
  }

  /**
   * Parameter overrides per rule id (the rules config's `vessel` section) over each rule's defaults;
   * `zones: {zoneId: {...}}` inside a rule's section overrides parameters for fixes inside that zone.
   * `provider-outage` sets the outage grouping (minVessels, minFraction, activeHours).
   */
  configure(overrides: Readonly<Record<string, Record<string, unknown>>>): void {
    this.configs = new Map();
    this.zoneOverrides = new Map();
    for (const rule of this.rules) {
      const { zones, ...params } = (overrides[rule.id] ?? {}) as { zones?: Record<string, Record<string, unknown>> };
      this.configs.set(rule.id, { ...(rule.defaults as Record<string, unknown>), ...params });
      if (zones) this.zoneOverrides.set(rule.id, zones);
    }
    this.outageConfig = { ...defaultOutageConfig, ...(overrides[OUTAGE_RULE] as Partial<OutageConfig> | undefined) };
  }

  private context(): RuleContext {
    return {
      zones: this.zones(),
      fleet: this.fleet,
      ...(this.options.vesselLengthM && { vesselLengthM: this.options.vesselLengthM }),
      ...(this.options.land && { land: this.options.land }),
    };
  }

  /** A rule's parameters for a fix: its config, with the overrides of the zones the fix is in. */
  private configFor(ruleId: string, p: VesselPosition | undefined, context: RuleContext): unknown {
    const base = this.configs.get(ruleId);
    const perZone = this.zoneOverrides.get(ruleId);
    if (!perZone || !p) return base;
    let merged = base;
    for (const zone of context.zones.containingZones(p.lat, p.lon)) {
      const override = perZone[zone.id];
      if (override) merged = { ...merged, ...override };
    }
    return merged;
  }

  /** `envelope` (as the pipeline passes it) tells when a fix arrived: a provider's return is then. */
  observe = (observation: Observation, envelope?: Pick<Envelope, "receivedAt">): void => {
    if (observation.type !== "vessel_position") return;
    const last = this.lastSeen.get(observation.vessel);
    if (last !== undefined && observation.timeMs < last) return;
    if (last === undefined || observation.timeMs > last) this.sentSinceRound.add(observation.vessel);
    this.lastSeen.set(observation.vessel, observation.timeMs);
    this.dirty.add(`last/${observation.vessel}`);
    const context = this.context();
    let flagged = false;
    for (const rule of this.rules) {
      const key = `${rule.id}/${observation.vessel}`;
      const state = this.states.has(key) ? this.states.get(key) : rule.initial();
      const result = rule.step(this.configFor(rule.id, observation, context), state, observation, context);
      if (result.state !== state) {
        this.states.set(key, result.state);
        this.dirty.add(key);
      }
      for (const t of result.transitions) this.emit(t);
      if (result.flagged) {
        flagged = true;
        break;
      }
    }
    // Only trusted fixes count as "where the vessel is" for rules about vessels near each other.
    if (!flagged) {
      this.fleet.update({
        vessel: observation.vessel,
        timeMs: observation.timeMs,
        lat: observation.lat,
        lon: observation.lon,
        ...(observation.sogKn !== undefined && { sogKn: observation.sogKn }),
      });
    }
    this.endOutage(observation, envelope?.receivedAt);
  };

  /** A vessel heard again through a provider that was out: the outage is over. */
  private endOutage(p: VesselPosition, receivedAtMs: number | undefined): void {
    const provider = p.receiver ?? p.source;
    const outage = this.outages.get(provider);
    if (!outage || p.timeMs <= outage.sinceMs) return;
    this.outages.delete(provider);
    this.dirty.add(`outage/${provider}`);
    this.emit(outageAlert(OUTAGE_RULE, provider, "cleared", Date.now(), `${provider} is heard again`));
    // The vessels it covered are judged on their own again, their silence counted from the provider's
    // return: when this fix arrived (a provider back from an outage may first deliver what it
    // buffered, fixes from long before), or its own time if that is later.
    const returnedMs = Math.max(p.timeMs, receivedAtMs ?? p.timeMs);
    for (const [key, state] of this.states) {
      if (!key.startsWith("going-dark/") || (state as GoingDarkState).outage !== provider) continue;
      this.states.set(key, { ...(state as GoingDarkState), outage: undefined, excusedUntilMs: returnedMs });
      this.dirty.add(key);
    }
  }

  /** Timer rules, with the hub's clock; then forgets transmitters silent for too long. */
  tick(nowMs = Date.now()): void {
    this.runTimerRules(nowMs);
    this.sentSinceRound.clear();
    this.forgetSilentUnregistered(nowMs);
  }

  /** Vessels known to the engine (with a last fix). */
  get vessels(): number {
    return this.lastSeen.size;
  }

  /**
   * Drops every state of unregistered transmitters not heard for `forgetUnregisteredAfterMs`; their
   * saved states go with the next save. An alert of theirs still open stays open for an officer to close.
   */
  private forgetSilentUnregistered(nowMs: number): void {
    const cutoff = nowMs - (this.options.forgetUnregisteredAfterMs ?? DEFAULT_FORGET_AFTER_MS);
    for (const [vessel, lastMs] of this.lastSeen) {
      if (lastMs >= cutoff || !isUnregisteredVessel(vessel)) continue;
      for (const rule of this.rules) {
        const key = `${rule.id}/${vessel}`;
        if (this.states.delete(key)) this.dirty.add(key);
      }
      this.lastSeen.delete(vessel);
      this.dirty.add(`last/${vessel}`);
      this.fleet.forget(vessel);
    }
  }

  private runTimerRules(nowMs: number): void {
    const context = this.context();
    const clock = timerClock(nowMs, this.options.downtime);
    for (const rule of this.rules) {
      if (!rule.tick) continue;
      const prefix = `${rule.id}/`;
      const pending: { key: string; vessel: string; state: unknown; transitions: AlertTransition[]; provider?: string }[] = [];
      for (const [key, state] of this.states) {
        if (!key.startsWith(prefix)) continue;
        const vessel = key.slice(prefix.length);
        if (this.sentSinceRound.has(vessel)) continue;
        const result = rule.tick(this.configFor(rule.id, undefined, context), state, clock, vessel, context);
        if (result.state === state && result.transitions.length === 0) continue;
        const provider = rule.id === "going-dark" ? (state as GoingDarkState).last?.provider : undefined;
        pending.push({ key, vessel, state: result.state, transitions: result.transitions, ...(provider && { provider }) });
      }
      const out = rule.id === "going-dark" ? this.groupOutages(pending, clock) : new Set<string>();
      for (const item of pending) {
        if (item.provider && out.has(item.provider)) {
          // Covered by the provider's outage: the vessel's own alert waits until the provider is back.
          const state = this.states.get(item.key) as GoingDarkState;
          this.states.set(item.key, { ...state, outage: item.provider });
        } else {
          this.states.set(item.key, item.state);
          for (const t of item.transitions) this.emit(t);
        }
        this.dirty.add(item.key);
      }
    }
  }

  /** Decides which providers are out this round, raising their system alerts. */
  private groupOutages(pending: { vessel: string; transitions: AlertTransition[]; provider?: string }[], clock: TimerClock): Set<string> {
    const nowMs = clock.nowMs;
    const firstRaises = pending
      .filter((p) => p.provider && p.transitions.some((t) => t.state === "raised"))
      .map((p) => ({ vessel: p.vessel, provider: p.provider as string }));
    if (firstRaises.length === 0) return new Set();
    const heard = new Map<string, number>();
    const lastHeardMs = new Map<string, number>();
    const config = this.configFor("going-dark", undefined, this.context()) as GoingDarkConfig;
    for (const [key, state] of this.states) {
      if (!key.startsWith("going-dark/")) continue;
      const last = (state as GoingDarkState).last;
      if (!last) continue;
      lastHeardMs.set(last.provider, Math.max(lastHeardMs.get(last.provider) ?? 0, last.timeMs));
      // The share of a provider's vessels that went silent is of the vessels the rule judges: a
      // receiver that also hears ships passing by is still out when the province's fleet falls silent.
      if (!judgesVessel(config, key.slice("going-dark/".length))) continue;
      if (!last.inPort && nowMs - last.timeMs <= this.outageConfig.activeHours * HOUR)
        heard.set(last.provider, (heard.get(last.provider) ?? 0) + 1);
    }
    const out = providersOut(firstRaises, heard, lastHeardMs, clock, this.outageConfig);
    for (const provider of out) {
      if (this.outages.has(provider)) continue;
      const vessels = firstRaises.filter((r) => r.provider === provider).length;
      this.outages.set(provider, { sinceMs: nowMs, vessels });
      this.dirty.add(`outage/${provider}`);
      this.emit(
        outageAlert(
          OUTAGE_RULE,
          provider,
          "raised",
          nowMs,
          `${vessels} of ${heard.get(provider) ?? vessels} vessels heard by ${provider} went silent together: provider outage`,
          vessels,
        ),
      );
    }
    // Vessels of a provider already out wait too.
    for (const { provider } of firstRaises) if (this.outages.has(provider)) out.add(provider);
    return out;
  }

  /** States changed since the last call (`ruleId/vessel` → state, `last/vessel` → time of the last fix, `outage/provider`). */
  takeChanges(): [string, unknown][] {
    const changes = [...this.dirty].map((key) => this.change(key));
    this.dirty.clear();
    return changes;
  }

  /**
   * Like takeChanges, for some subjects only — vessels, or receivers of a provider outage — whose
   * state is saved right after their alert transitions (keys are `<kind>/<subject>`); one pass.
   */
  takeChangesOf(subjects: ReadonlySet<string>): [string, unknown][] {
    const changes: [string, unknown][] = [];
    for (const key of this.dirty) {
      if (!subjects.has(key.slice(key.indexOf("/") + 1))) continue;
      changes.push(this.change(key));
      this.dirty.delete(key);
    }
    return changes;
  }

  private change(key: string): [string, unknown] {
    if (key.startsWith("last/")) return [key, this.lastSeen.get(key.slice(5))];
    if (key.startsWith("outage/")) return [key, this.outages.get(key.slice(7))];
    return [key, this.states.get(key)];
  }

  restore(saved: Iterable<[string, unknown]>): void {
    for (const [key, state] of saved) {
      if (key.startsWith("last/")) this.lastSeen.set(key.slice(5), state as number);
      else if (key.startsWith("outage/")) this.outages.set(key.slice(7), state as Outage);
      else this.states.set(key, state);
    }
  }
}
