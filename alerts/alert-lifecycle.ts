// The alert lifecycle (DESIGN.md §4): rule transitions and operator actions in, alert events out.
//   raised → acknowledged → cleared → closed, raised → cleared when the condition ends unattended;
//   a raise within `reopenWindowMs` of a clear reopens the same alert; one open alert per
//   (rule, subject, detail); an alert reopened `flapThreshold` times within `flapWindowMs` is flapping
//   and its events are recorded but not pushed; alerts of a subject in a maintenance window are muted
//   (recorded, not pushed); an unacknowledged critical alert is re-notified every `renotifyEveryMs`
//   and escalated (a second channel) after `escalateAfterMs`.
// Every change and its event are written in one SQLite transaction, so a restart loses none and
// the delivery channels resume from the event sequence.
import type { Database } from "../store/database.js";
import { type AlertEvent, type AlertEventType, type AlertRow, AlertStore } from "./alert-store.js";
import type { AlertTransition } from "./alert-transition.js";

export interface LifecycleOptions {
  reopenWindowMs: number;
  flapWindowMs: number;
  flapThreshold: number;
  renotifyEveryMs: number;
  escalateAfterMs: number;
  /** Observations kept as an alert's evidence (the newest). */
  evidenceLimit: number;
}

export const defaultLifecycleOptions: LifecycleOptions = {
  reopenWindowMs: 30 * 60_000,
  flapWindowMs: 60 * 60_000,
  flapThreshold: 4,
  renotifyEveryMs: 15 * 60_000,
  escalateAfterMs: 30 * 60_000,
  evidenceLimit: 20,
};

export class AlertActionError extends Error {
  constructor(
    readonly code: "not_found" | "conflict",
    message: string,
  ) {
    super(message);
  }
}

const severityRank = { info: 0, warning: 1, critical: 2 } as const;
const SYSTEM = "system";

export class AlertLifecycle {
  readonly store: AlertStore;
  private readonly listeners = new Set<(event: AlertEvent) => void>();

  constructor(
    db: Database,
    private readonly options: LifecycleOptions = defaultLifecycleOptions,
    /** The hub's clock: events are stamped when they happen in the hub (alerts keep observation times). */
    private readonly clock: () => number = Date.now,
  ) {
    this.store = new AlertStore(db);
    this.inTransaction = db.transaction((work: () => AlertEvent[]) => work());
  }

  /** Called after each committed event, in sequence order; returns the function that unsubscribes. */
  onEvent(listener: (event: AlertEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` in one SQLite transaction (made once: better-sqlite3 builds a wrapper per call otherwise). */
  private readonly inTransaction: (work: () => AlertEvent[]) => AlertEvent[];

  private commit(work: () => AlertEvent[]): AlertEvent[] {
    const events = this.inTransaction(work);
    this.notify(events);
    return events;
  }

  private notify(events: readonly AlertEvent[]): void {
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  private evidence(row: AlertRow | undefined, t: AlertTransition): string {
    const previous = row ? (JSON.parse(row.evidence) as Record<string, unknown>[]) : [];
    return JSON.stringify([...previous, ...(t.evidence ?? [])].slice(-this.options.evidenceLimit));
  }

  /** Applies one rule transition; returns the events it caused (none for a repeat of an open alert). */
  apply = (t: AlertTransition): AlertEvent[] => this.commit(() => this.transition(t));

  /**
   * Applies rule transitions in order, in one SQLite transaction (a burst of them costs one commit,
   * not one each); returns the events they caused. One that cannot be recorded rolls the others
   * back with it, so they are applied one by one then, and each that fails is handed to `failed`.
   */
  applyAll(transitions: readonly AlertTransition[], failed: (transition: AlertTransition, error: unknown) => void): AlertEvent[] {
    let events: AlertEvent[] = [];
    try {
      events = this.inTransaction(() => {
        const caused: AlertEvent[] = [];
        for (const t of transitions) for (const event of this.transition(t)) caused.push(event);
        return caused;
      });
    } catch {
      // Rolled back, nothing told: each on its own now (a listener's failure is not a reason to retry).
      events = [];
      for (const t of transitions) {
        let caused: AlertEvent[];
        try {
          caused = this.inTransaction(() => this.transition(t));
        } catch (error) {
          failed(t, error);
          continue;
        }
        for (const event of caused) events.push(event);
      }
    }
    this.notify(events);
    return events;
  }

  private transition(t: AlertTransition): AlertEvent[] {
    const detail = t.detail ?? "";
    const row = this.store.latest(t.rule, t.subject, detail);
    const open = row && (row.state === "raised" || row.state === "acknowledged");
    const measured = {
      last_seen_at: t.timeMs,
      value: t.value ?? row?.value ?? null,
      threshold: t.threshold ?? row?.threshold ?? null,
      lat: t.lat ?? row?.lat ?? null,
      lon: t.lon ?? row?.lon ?? null,
      zone: t.zone ?? row?.zone ?? null,
      evidence: this.evidence(row, t),
    };
    if (t.state === "cleared") {
      if (!row || !open) return [];
      const cleared = this.store.update(row, { ...measured, state: "cleared", cleared_at: t.timeMs });
      // Why it cleared ("station reporting again", "no longer judged: …") goes into the audit trail.
      return [this.store.appendEvent(cleared, "cleared", this.clock(), SYSTEM, t.message, row.muted === 0 && row.flapping === 0)];
    }
    if (row && open) {
      const worse = severityRank[t.severity] > severityRank[row.severity];
      const seen = this.store.update(row, {
        ...measured,
        occurrences: row.occurrences + 1,
        ...(worse && { severity: t.severity, message: t.message }),
      });
      return worse
        ? [this.store.appendEvent(seen, "severity_changed", this.clock(), SYSTEM, undefined, row.muted === 0 && row.flapping === 0)]
        : [];
    }
    if (row && row.state === "cleared" && t.timeMs - (row.cleared_at ?? 0) <= this.options.reopenWindowMs) {
      const reopened = [...(JSON.parse(row.reopened_at) as number[]), t.timeMs].filter((at) => t.timeMs - at <= this.options.flapWindowMs);
      const flapping = reopened.length >= this.options.flapThreshold;
      const raised = this.store.update(row, {
        ...measured,
        state: "raised",
        severity: t.severity,
        message: t.message,
        cleared_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
        occurrences: row.occurrences + 1,
        reopened_at: JSON.stringify(reopened),
        flapping: flapping ? 1 : 0,
        notified_at: t.timeMs,
      });
      const events = [this.store.appendEvent(raised, "reopened", this.clock(), SYSTEM, undefined, row.muted === 0 && !flapping)];
      if (flapping && row.flapping === 0) {
        events.push(this.store.appendEvent(raised, "flapping_started", this.clock(), SYSTEM, undefined, row.muted === 0));
      }
      return events;
    }
    const muted = this.store.inMaintenance(t.subject, t.timeMs);
    const inserted = this.store.insert({
      ...measured,
      rule: t.rule,
      domain: t.domain,
      severity: t.severity,
      subject: t.subject,
      detail,
      kind: t.kind ?? null,
      state: "raised",
      raised_at: t.timeMs,
      acknowledged_at: null,
      acknowledged_by: null,
      cleared_at: null,
      closed_at: null,
      closed_by: null,
      occurrences: 1,
      reopened_at: "[]",
      flapping: 0,
      muted: muted ? 1 : 0,
      message: t.message,
      notified_at: t.timeMs,
      escalated_at: null,
    });
    return [this.store.appendEvent(inserted, "raised", this.clock(), SYSTEM, undefined, !muted)];
  }

  private existing(id: number): AlertRow {
    const row = this.store.get(id);
    if (!row) throw new AlertActionError("not_found", `no alert ${id}`);
    return row;
  }

  acknowledge(id: number, actor: string, comment: string | undefined, nowMs = Date.now()): AlertEvent {
    return this.commit(() => [this.operatorStep("ack", this.existing(id), actor, comment, nowMs)])[0] as AlertEvent;
  }

  comment(id: number, actor: string, comment: string, nowMs = Date.now()): AlertEvent {
    return this.commit(() => [this.operatorStep("comment", this.existing(id), actor, comment, nowMs)])[0] as AlertEvent;
  }

  /** Closes an alert. Closing one whose condition still holds means its next occurrence opens a new alert. */
  close(id: number, actor: string, comment: string | undefined, nowMs = Date.now()): AlertEvent {
    return this.commit(() => [this.operatorStep("close", this.existing(id), actor, comment, nowMs)])[0] as AlertEvent;
  }

  /**
   * One action on many alerts (an operator working through a storm), in one SQLite transaction: each
   * id's event, or why it could not be done — unknown or not `visible` to the caller (not_found),
   * already acknowledged or closed (conflict) — without stopping the others.
   */
  actOnMany(
    action: "ack" | "close",
    ids: readonly number[],
    actor: string,
    comment: string | undefined,
    visible: (row: AlertRow) => boolean,
    nowMs = Date.now(),
  ): { id: number; event?: AlertEvent; error?: AlertActionError }[] {
    const outcomes: { id: number; event?: AlertEvent; error?: AlertActionError }[] = [];
    this.commit(() => {
      const events: AlertEvent[] = [];
      for (const id of ids) {
        try {
          const row = this.store.get(id);
          if (!row || !visible(row)) throw new AlertActionError("not_found", `no alert ${id}`);
          const event = this.operatorStep(action, row, actor, comment, nowMs);
          events.push(event);
          outcomes.push({ id, event });
        } catch (error) {
          if (!(error instanceof AlertActionError)) throw error;
          outcomes.push({ id, error });
        }
      }
      return events;
    });
    return outcomes;
  }

  /** An operator's action on one alert, inside a transaction; throws before writing anything when it cannot be done. */
  private operatorStep(
    action: "ack" | "comment" | "close",
    row: AlertRow,
    actor: string,
    comment: string | undefined,
    nowMs: number,
  ): AlertEvent {
    const notify = row.muted === 0;
    if (action === "comment") return this.store.appendEvent(row, "commented", nowMs, actor, comment, notify);
    if (action === "ack") {
      if (row.state !== "raised")
        throw new AlertActionError("conflict", `alert ${row.id} is ${row.state}; only a raised alert can be acknowledged`);
      const acknowledged = this.store.update(row, { state: "acknowledged", acknowledged_at: nowMs, acknowledged_by: actor });
      return this.store.appendEvent(acknowledged, "acknowledged", nowMs, actor, comment, notify);
    }
    if (row.state === "closed") throw new AlertActionError("conflict", `alert ${row.id} is already closed`);
    const closed = this.store.update(row, { state: "closed", closed_at: nowMs, closed_by: actor, flapping: 0 });
    return this.store.appendEvent(closed, "closed", nowMs, actor, comment, notify);
  }

  /** Timer work: re-notification and escalation of unacknowledged critical alerts, end of flapping. */
  tick(nowMs = Date.now()): AlertEvent[] {
    return this.commit(() => {
      const events: AlertEvent[] = [];
      const push = (row: AlertRow, type: AlertEventType) => events.push(this.store.appendEvent(row, type, nowMs, SYSTEM, undefined, true));
      for (const row of this.store.open()) {
        if (row.state !== "raised" || row.severity !== "critical" || row.muted === 1 || row.flapping === 1) continue;
        if (row.escalated_at === null && nowMs - row.raised_at >= this.options.escalateAfterMs) {
          push(this.store.update(row, { escalated_at: nowMs, notified_at: nowMs }), "escalated");
        } else if (nowMs - row.notified_at >= this.options.renotifyEveryMs) {
          push(this.store.update(row, { notified_at: nowMs }), "renotified");
        }
      }
      for (const row of this.store.flapping()) {
        const reopened = JSON.parse(row.reopened_at) as number[];
        const last = reopened[reopened.length - 1] ?? 0;
        if (nowMs - last < this.options.flapWindowMs) continue;
        push(this.store.update(row, { flapping: 0, reopened_at: "[]" }), "flapping_ended");
      }
      return events;
    });
  }
}
