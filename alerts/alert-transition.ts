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

/** A vessel's fix as it can be shown for evidence; the position's other fields are kept when present. */
export interface Fix {
  vessel?: string;
  timeMs: number;
  lat: number;
  lon: number;
  sogKn?: number;
  cogDeg?: number;
  navStatus?: number;
  source?: string;
  receiver?: string;
  mmsi?: number;
  vmsDeviceId?: string;
}

const FIX_DETAILS = ["sogKn", "cogDeg", "navStatus", "source", "receiver", "mmsi", "vmsDeviceId"] as const;

/**
 * A fix as an alert's evidence: when, where, how fast, and who reported it (the feed, the receiver,
 * the transmitter) — what a fisheries officer checks an alert against before acting on it.
 */
export function fixEvidence(fix: Fix): Record<string, unknown> {
  const evidence: Record<string, unknown> = {
    ...(fix.vessel !== undefined && { vessel: fix.vessel }),
    time: new Date(fix.timeMs).toISOString(),
    lat: fix.lat,
    lon: fix.lon,
  };
  for (const key of FIX_DETAILS) if (fix[key] !== undefined) evidence[key] = fix[key];
  return evidence;
}

/**
 * A fisheries alert about the vessel of a position, at the position's time and place. Its evidence
 * is that position, or the fixes given (a jump's two ends, the last fix before a vessel went dark).
 */
export function vesselAlert(
  rule: string,
  position: Fix & { vessel: string },
  state: AlertTransition["state"],
  severity: AlertTransition["severity"],
  message: string,
  { evidence, ...extra }: { value?: number; zone?: string; evidence?: Fix[] } = {},
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
    evidence: (evidence ?? [position]).map(fixEvidence),
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
