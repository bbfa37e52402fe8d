// Alerts and their events in the hub's SQLite database: rows ↔ alert documents, the event log
// (its sequence number is the cursor of every delivery channel), and the queries of the API.
import type { Statement } from "better-sqlite3";
import type { Database } from "../store/database.js";
import type { AlertTransition } from "./alert-transition.js";

export type AlertState = "raised" | "acknowledged" | "cleared" | "closed";
export type Severity = AlertTransition["severity"];
export type Domain = AlertTransition["domain"];

/** The stable alert document (DESIGN.md §4), as the API, MQTT, WebSocket and webhooks show it. */
export interface Alert {
  id: number;
  rule: string;
  domain: Domain;
  severity: Severity;
  subject: string;
  detail?: string;
  kind?: string;
  state: AlertState;
  raisedAt: string;
  lastSeenAt: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  clearedAt?: string;
  closedAt?: string;
  closedBy?: string;
  occurrences: number;
  flapping: boolean;
  muted: boolean;
  value?: number;
  threshold?: number;
  position?: { lat: number; lon: number };
  zone?: string;
  message: string;
  evidence: Record<string, unknown>[];
}

export const eventTypes = [
  "raised",
  "reopened",
  "severity_changed",
  "renotified",
  "escalated",
  "acknowledged",
  "commented",
  "cleared",
  "closed",
  "flapping_started",
  "flapping_ended",
] as const;
export type AlertEventType = (typeof eventTypes)[number];

/** One event of the log: what happened to which alert, and the alert as it was afterwards. */
export interface AlertEvent {
  seq: number;
  type: AlertEventType;
  at: string;
  actor: string;
  comment?: string;
  /** False for events of muted or flapping alerts: recorded and streamed, not pushed to MQTT or webhooks. */
  notify: boolean;
  alert: Alert;
}

export interface AlertRow {
  id: number;
  rule: string;
  domain: Domain;
  severity: Severity;
  subject: string;
  detail: string;
  kind: string | null;
  state: AlertState;
  raised_at: number;
  last_seen_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  cleared_at: number | null;
  closed_at: number | null;
  closed_by: string | null;
  occurrences: number;
  reopened_at: string;
  flapping: number;
  muted: number;
  value: number | null;
  threshold: number | null;
  lat: number | null;
  lon: number | null;
  zone: string | null;
  message: string;
  evidence: string;
  notified_at: number;
  escalated_at: number | null;
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

export function alertDocument(row: AlertRow): Alert {
  const doc: Alert = {
    id: row.id,
    rule: row.rule,
    domain: row.domain,
    severity: row.severity,
    subject: row.subject,
    state: row.state,
    raisedAt: iso(row.raised_at) as string,
    lastSeenAt: iso(row.last_seen_at) as string,
    occurrences: row.occurrences,
    flapping: row.flapping === 1,
    muted: row.muted === 1,
    message: row.message,
    evidence: JSON.parse(row.evidence) as Record<string, unknown>[],
  };
  if (row.detail !== "") doc.detail = row.detail;
  if (row.kind !== null) doc.kind = row.kind;
  if (row.acknowledged_at !== null) doc.acknowledgedAt = iso(row.acknowledged_at);
  if (row.acknowledged_by !== null) doc.acknowledgedBy = row.acknowledged_by;
  if (row.cleared_at !== null) doc.clearedAt = iso(row.cleared_at);
  if (row.closed_at !== null) doc.closedAt = iso(row.closed_at);
  if (row.closed_by !== null) doc.closedBy = row.closed_by;
  if (row.value !== null) doc.value = row.value;
  if (row.threshold !== null) doc.threshold = row.threshold;
  if (row.lat !== null && row.lon !== null) doc.position = { lat: row.lat, lon: row.lon };
  if (row.zone !== null) doc.zone = row.zone;
  return doc;
}

export interface AlertQuery {
  state?: AlertState | "open";
  domains?: readonly Domain[];
  severity?: Severity;
  subject?: string;
  sinceMs?: number;
  /** Alerts with an id below this (pagination, newest first). */
  beforeId?: number;
  limit: number;
}

export class AlertStore {
  /** Prepared statements by SQL text: preparing costs more than running these small statements. */
  private readonly statements = new Map<string, Statement>();

  /**
   * Event times are strictly increasing, 1 ms apart at least: each event is one point of the `alert`
   * measurement, and two events of one alert in the same millisecond (reopened + flapping_started)
   * would otherwise be one point in InfluxDB (same series, same timestamp) — found by the chaos soak.
   */
  private lastEventAtMs: number;

  constructor(readonly db: Database) {
    this.lastEventAtMs = (db.prepare("SELECT max(at) AS at FROM alert_events").get() as { at: number | null }).at ?? 0;
  }

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  get(id: number): AlertRow | undefined {
    return this.sql("SELECT * FROM alerts WHERE id = ?").get(id) as AlertRow | undefined;
  }

  /** The latest alert of a (rule, subject, detail), closed ones excluded. */
  latest(rule: string, subject: string, detail: string): AlertRow | undefined {
    return this.sql(
      "SELECT * FROM alerts WHERE rule = ? AND subject = ? AND detail = ? AND state <> 'closed' ORDER BY id DESC LIMIT 1",
    ).get(rule, subject, detail) as AlertRow | undefined;
  }

  /** Stores a new alert; returns it as stored. */
  insert(row: Omit<AlertRow, "id">): AlertRow {
    const columns = Object.keys(row);
    const result = this.sql(`INSERT INTO alerts (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`).run(row);
    return { ...row, id: Number(result.lastInsertRowid) };
  }

  /** Changes an alert; returns it as stored now (no second read: the changes are all that changed). */
  update(row: AlertRow, changes: Partial<Omit<AlertRow, "id">>): AlertRow {
    const columns = Object.keys(changes);
    if (columns.length === 0) return row;
    this.sql(`UPDATE alerts SET ${columns.map((c) => `${c} = @${c}`).join(", ")} WHERE id = @id`).run({ ...changes, id: row.id });
    return { ...row, ...changes };
  }

  /** Records an event of `row` (the alert as stored after the event's change). */
  appendEvent(row: AlertRow, type: AlertEventType, atMs: number, actor: string, comment: string | undefined, notify: boolean): AlertEvent {
    const alertId = row.id;
    const alert = alertDocument(row);
    atMs = Math.max(atMs, this.lastEventAtMs + 1);
    this.lastEventAtMs = atMs;
    const at = new Date(atMs).toISOString();
    const result = this.sql(
      "INSERT INTO alert_events (alert_id, at, type, actor, comment, notify, document) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(alertId, atMs, type, actor, comment ?? null, notify ? 1 : 0, JSON.stringify(alert));
    const event: AlertEvent = { seq: Number(result.lastInsertRowid), type, at, actor, notify, alert };
    if (comment !== undefined) event.comment = comment;
    return event;
  }

  /** Events after a sequence number, oldest first. */
  eventsAfter(seq: number, limit: number, domains?: readonly Domain[]): AlertEvent[] {
    const inDomains = domains ? `AND json_extract(document, '$.domain') IN (${domains.map((d) => `'${d}'`).join(", ")})` : "";
    const rows = this.sql(
      `SELECT seq, type, at, actor, comment, notify, document FROM alert_events WHERE seq > ? ${inDomains} ORDER BY seq LIMIT ?`,
    ).all(seq, limit) as {
      seq: number;
      type: AlertEventType;
      at: number;
      actor: string;
      comment: string | null;
      notify: number;
      document: string;
    }[];
    const events: AlertEvent[] = [];
    for (const r of rows) {
      const alert = JSON.parse(r.document) as Alert;
      const event: AlertEvent = {
        seq: r.seq,
        type: r.type,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        notify: r.notify === 1,
        alert,
      };
      if (r.comment !== null) event.comment = r.comment;
      events.push(event);
    }
    return events;
  }

  lastSeq(): number {
    return (this.sql("SELECT COALESCE(MAX(seq), 0) AS seq FROM alert_events").get() as { seq: number }).seq;
  }

  /** The audit trail of an alert: every event, oldest first. */
  audit(alertId: number): { seq: number; at: string; action: AlertEventType; actor: string; comment?: string }[] {
    const rows = this.sql("SELECT seq, at, type, actor, comment FROM alert_events WHERE alert_id = ? ORDER BY seq").all(alertId) as {
      seq: number;
      at: number;
      type: AlertEventType;
      actor: string;
      comment: string | null;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      action: r.type,
      actor: r.actor,
      ...(r.comment !== null && { comment: r.comment }),
    }));
  }

  query(q: AlertQuery): AlertRow[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.state === "open") where.push("state IN ('raised', 'acknowledged')");
    else if (q.state) {
      where.push("state = @state");
      params.state = q.state;
    }
    if (q.domains) where.push(`domain IN (${q.domains.map((d) => `'${d}'`).join(", ")})`);
    if (q.severity) {
      where.push("severity = @severity");
      params.severity = q.severity;
    }
    if (q.subject) {
      where.push("subject = @subject");
      params.subject = q.subject;
    }
    if (q.sinceMs !== undefined) {
      where.push("last_seen_at >= @since");
      params.since = q.sinceMs;
    }
    if (q.beforeId !== undefined) {
      where.push("id < @before");
      params.before = q.beforeId;
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
    return this.sql(sql).all(params) as AlertRow[];
  }

  /** Open alerts (raised or acknowledged), for the summaries and the escalation timer. */
  open(): AlertRow[] {
    return this.sql("SELECT * FROM alerts WHERE state IN ('raised', 'acknowledged') ORDER BY id").all() as AlertRow[];
  }

  flapping(): AlertRow[] {
    return this.sql("SELECT * FROM alerts WHERE flapping = 1").all() as AlertRow[];
  }

  inMaintenance(subject: string, atMs: number): boolean {
    return (
      this.sql("SELECT 1 FROM maintenance_windows WHERE subject = ? AND starts_at <= ? AND ends_at > ? LIMIT 1").get(
        subject,
        atMs,
        atMs,
      ) !== undefined
    );
  }
}
