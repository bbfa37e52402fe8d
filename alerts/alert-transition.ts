// What a rule emits: one transition of one rule's condition for one subject (DESIGN.md §4). The
// alert lifecycle (alert-lifecycle.ts) turns transitions into alerts: dedupe, reopen, acknowledge,
// close; every transition is also a line of the `alert` measurement.

export interface AlertTransition {
  rule: string;
  domain: "fisheries" | "environment" | "system";
  severity: "info" | "warning" | "critical";
  /** Vessel id, station id, … */
  subject: string;
  /** What of the subject, when a rule watches several things of one subject (a quantity, an index). */
  detail?: string;
  /** `quality` (the environment is bad) or `sensor-health` (the sensor is): told apart for operators. */
  kind?: "quality" | "sensor-health" | "vessel" | "system";
  threshold?: number;
  /** The observations behind the transition (readings, positions), newest last. */
  evidence?: Record<string, unknown>[];
  state: "raised" | "escalated" | "cleared";
  /** Time of the observation that caused it, Unix ms. */
  timeMs: number;
  message: string;
  value?: number;
  lat?: number;
  lon?: number;
  zone?: string;
}

/** A fisheries alert about the vessel of a position, at the position's time and place. */
export function vesselAlert(
  rule: string,
  position: { vessel: string; timeMs: number; lat: number; lon: number },
  state: AlertTransition["state"],
  severity: AlertTransition["severity"],
  message: string,
  extra: { value?: number; zone?: string } = {},
): AlertTransition {
  return {
    rule,
    domain: "fisheries",
    severity,
    subject: position.vessel,
    state,
    timeMs: position.timeMs,
    message,
    lat: position.lat,
    lon: position.lon,
    ...extra,
  };
}

/**
 * A system alert about a feed that is down (a vessel provider, a station gateway): critical while
 * raised, info when cleared; `value` the number of vessels or stations it stands for.
 */
export function outageAlert(
  rule: string,
  feed: string,
  state: "raised" | "cleared",
  timeMs: number,
  message: string,
  subjects?: number,
): AlertTransition {
  return {
    rule,
    domain: "system",
    severity: state === "raised" ? "critical" : "info",
    subject: feed,
    kind: "system",
    state,
    timeMs,
    message,
    ...(subjects !== undefined && { value: subjects }),
  };
}
