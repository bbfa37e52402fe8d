// The console's alert state: a snapshot from GET /api/v1/alerts (which says the event cursor it was
// taken at), then stream events applied in sequence order. The cursor is what a reconnect resumes
// from (?after=<seq>), so an event replayed after a reconnect, or sent twice, is applied once.
// Pure: no DOM, no network — the unit tests drive it directly.

export type Severity = "critical" | "warning" | "info";
export type AlertState = "raised" | "acknowledged" | "cleared" | "closed";

export interface AlertDoc {
  id: number;
  rule: string;
  domain: "fisheries" | "environment" | "system";
  severity: Severity;
  subject: string;
  detail?: string;
  state: AlertState;
  raisedAt: string;
  lastSeenAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  clearedAt?: string;
  closedAt?: string;
  occurrences: number;
  muted?: boolean;
  flapping?: boolean;
  value?: number;
  threshold?: number;
  position?: { lat: number; lon: number };
  zone?: string;
  message: string;
  /** `quality` (the environment is bad) or `sensor-health` (the sensor or station is), `vessel`, `system`. */
  kind?: string;
  /** The observations behind the alert (fixes, readings), newest last. */
  evidence?: Record<string, unknown>[];
}

export interface StreamMessage {
  seq: number;
  type?: "live";
  event?: { seq: number; type: string; at: string; actor: string; comment?: string; notify?: boolean };
  alert?: AlertDoc;
}

export interface AlertFilter {
  domain?: string;
  severity?: string;
  zone?: string;
  kind?: string;
  showClosed?: boolean;
}

export interface Applied {
  /** False for a duplicate (seq at or before the cursor) or a control message. */
  applied: boolean;
  /** A critical alert just raised, reopened or escalated, with notification on: worth a sound. */
  newCritical?: AlertDoc;
}

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const STATE_ORDER: Record<AlertState, number> = { raised: 0, acknowledged: 1, cleared: 2, closed: 3 };

/** Alerts that ended (cleared or closed) kept in the list; every open alert is kept. */
export const ENDED_KEPT = 2000;

export class AlertStore {
  cursor = 0;
  readonly alerts = new Map<number, AlertDoc>();
  private readonly listeners = new Set<() => void>();
  /** Size at which ended alerts are next pruned (checked per event; pruning sorts, so not each time). */
  private pruneAt: number;

  /**
   * `endedKept`: a console open for days in the operations centre saw every alert of those days
   * (every zone entry of every vessel is one), re-sorted and redrawn on each event; it keeps every
   * open alert and the newest `endedKept` that ended, as its first snapshot does.
   */
  constructor(private readonly endedKept = ENDED_KEPT) {
    this.pruneAt = this.nextPrune();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces everything with a snapshot taken at event cursor `seq`. */
  load(alerts: AlertDoc[], seq: number): void {
    this.alerts.clear();
    for (const alert of alerts) this.alerts.set(alert.id, alert);
    this.cursor = seq;
    this.prune();
    this.changed();
  }

  apply(message: StreamMessage): Applied {
    if (message.type === "live" || !message.alert || !message.event) return { applied: false };
    if (message.seq <= this.cursor) return { applied: false };
    this.cursor = message.seq;
    // Each event carries the alert as it is after the event: the newest document wins.
    this.alerts.set(message.alert.id, message.alert);
    if (this.alerts.size > this.pruneAt) this.prune();
    this.changed();
    const alarming = ["raised", "reopened", "escalated"].includes(message.event.type);
    const newCritical = alarming && message.alert.severity === "critical" && message.event.notify !== false ? message.alert : undefined;
    return newCritical ? { applied: true, newCritical } : { applied: true };
  }

  /** Alerts matching the filter: open before closed, then by severity, then newest first. */
  /** A subject's open alerts (raised or acknowledged), most severe first. */
  openOf(subject: string): AlertDoc[] {
    return this.list().filter((a) => a.subject === subject && (a.state === "raised" || a.state === "acknowledged"));
  }

  list(filter: AlertFilter = {}): AlertDoc[] {
    return [...this.alerts.values()]
      .filter(
        (a) =>
          (filter.showClosed || a.state !== "closed") &&
          (!filter.domain || a.domain === filter.domain) &&
          (!filter.severity || a.severity === filter.severity) &&
          (!filter.zone || a.zone === filter.zone) &&
          (!filter.kind || a.kind === filter.kind),
      )
      .sort(
        (a, b) =>
          (a.state === "closed" ? 1 : 0) - (b.state === "closed" ? 1 : 0) ||
          SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
          STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
          b.raisedAt.localeCompare(a.raisedAt) ||
          b.id - a.id,
      );
  }

  /** Zones that appear in alerts, for the zone filter. */
  zones(): string[] {
    return [...new Set([...this.alerts.values()].flatMap((a) => (a.zone ? [a.zone] : [])))].sort();
  }

  /** Drops the oldest alerts that ended beyond `endedKept`. */
  private prune(): void {
    const ended = [...this.alerts.values()].filter((a) => a.state === "cleared" || a.state === "closed").sort((a, b) => b.id - a.id);
    for (const alert of ended.slice(this.endedKept)) this.alerts.delete(alert.id);
    this.pruneAt = this.nextPrune();
  }

  private nextPrune(): number {
    return this.alerts.size + Math.max(100, this.endedKept / 4);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
