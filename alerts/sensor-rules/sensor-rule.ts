// The one signature of a sensor rule: a step from (config, state, one measured value) to (state,
// alert transitions), taking time from the input only. The state belongs to the rule: a step may
// update it in place and return it (the engine never reads a previous state again), which keeps the
// common no-change step free of allocation; it must stay plain JSON (saved for restarts); timer rules (offline) also have a
// `tick`. The engine keeps the state per rule entry, station and quantity. Computed indices
// (vn_aqi, us_aqi, vn_wqi) reach the rules as values of their own quantity, like any measurement.
import type { AlertTransition } from "../alert-transition.js";
import type { TimerClock } from "../timer-clock.js";

export interface SensorInput {
  station: string;
  kind: "air" | "water";
  quantity: string;
  value: number;
  /** Observation time (device clock), Unix ms. */
  timeMs: number;
  /** When the hub received it, Unix ms (the hub's clock). */
  receivedAtMs: number;
  /** The gateway or adapter that relayed it, or `direct` (feed-outage.ts); the engine always sets it. */
  feed?: string;
}

/** Who the transitions are for: the rule entry's id (the alert's rule) and its severity. */
export interface RuleEntryContext {
  ruleId: string;
  severity: AlertTransition["severity"];
}

export interface SensorStepResult<S> {
  state: S;
  transitions: AlertTransition[];
  /** The value is not a measurement of the environment (out of physical range, stuck): later rules skip it. */
  flagged?: boolean;
}

export interface SensorRule<C, S> {
  /** The rule type, as named in the rules config (`rule: "threshold"`). */
  type: string;
  /**
   * A screening rule tells measurements from sensor faults: it runs before the other rules of its
   * quantity, and a value it flags is hidden from them and from the station indices. `value`: it
   * judges each value alone (out of physical range); `sensor`: when it raises, the sensor is found
   * unreliable (stuck), and the rules after it clear what they raised (`unjudged`).
   */
  screening?: "value" | "sensor";
  /** `station`: runs once per reading (input.quantity "*", value NaN) rather than once per quantity. */
  scope?: "station";
  /** JSON Schema of the rule's parameters (validated with the rules config). */
  parameters: Record<string, unknown>;
  defaults: C;
  initial(): S;
  step(config: C, state: S, input: SensorInput, entry: RuleEntryContext): SensorStepResult<S>;
  /**
   * The sensor of this quantity was found unreliable (`why`: the screening rule's message): a raised
   * alert is cleared, its condition no longer judged from this sensor, and the state starts afresh.
   */
  unjudged?(config: C, state: S, input: SensorInput, entry: RuleEntryContext, why: string): SensorStepResult<S>;
  /** Evaluated on a timer with the hub's clock, for conditions that no reading reports (silence). */
  tick?(
    config: C,
    state: S,
    clock: TimerClock,
    subject: { station: string; quantity: string },
    entry: RuleEntryContext,
  ): SensorStepResult<S>;
}

/** The transitions of a step that changes nothing: one shared empty list (never modified). */
export const noTransitions: AlertTransition[] = [];

/** An environment alert transition about one quantity of one station. */
export function sensorAlert(
  entry: RuleEntryContext,
  input: Pick<SensorInput, "station" | "quantity" | "timeMs"> & { value?: number },
  state: AlertTransition["state"],
  kind: "quality" | "sensor-health",
  message: string,
  threshold?: number,
): AlertTransition {
  const t: AlertTransition = {
    rule: entry.ruleId,
    domain: "environment",
    severity: entry.severity,
    subject: input.station,
    detail: input.quantity,
    kind,
    state,
    timeMs: input.timeMs,
    message,
  };
  if (input.value !== undefined) {
    t.value = input.value;
    t.evidence = [{ time: new Date(input.timeMs).toISOString(), [input.quantity]: input.value }];
  }
  if (threshold !== undefined) t.threshold = threshold;
  return t;
}

/**
 * A quality rule's answer to `unjudged`: its state afresh (what it kept came from the unreliable
 * sensor) and its raised alert, if any, cleared.
 */
export function unjudgedResult<S extends { active: boolean }>(
  state: S,
  fresh: S,
  entry: RuleEntryContext,
  input: SensorInput,
  why: string,
  threshold?: number,
): SensorStepResult<S> {
  if (!state.active) return { state: fresh, transitions: noTransitions };
  const message = `${input.quantity} can no longer be judged from this sensor: ${why}`;
  return { state: fresh, transitions: [sensorAlert(entry, input, "cleared", "quality", message, threshold)] };
}
