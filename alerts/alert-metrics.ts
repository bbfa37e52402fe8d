// The alerts' health in Prometheus, beside the ingest's: events recorded by domain and type,
// transitions that could not be recorded, open alerts by domain, severity and state, and each
// webhook's backlog and dead letters. A webhook failing for hours, or critical alerts nobody
// acknowledges, then show on the monitoring that watches the hub, not only in the console.
import { Counter, Gauge, type Registry } from "prom-client";
import type { Database } from "../store/database.js";
import type { AlertLifecycle } from "./alert-lifecycle.js";

export class AlertMetrics {
  /** Rule transitions the lifecycle could not record (each is also logged). */
  readonly transitionsFailed: Counter;

  constructor(registry: Registry, db: Database, lifecycle: AlertLifecycle) {
    const events = new Counter({
      name: "ioc_alert_events_total",
      help: "Alert events recorded (raised, cleared, acknowledged, escalated, …), by domain",
      labelNames: ["domain", "event"],
      registers: [registry],
    });
    lifecycle.onEvent((event) => events.inc({ domain: event.alert.domain, event: event.type }));
    this.transitionsFailed = new Counter({
      name: "ioc_alert_transitions_failed_total",
      help: "Rule transitions that could not be recorded as alerts",
      registers: [registry],
    });
    // Read on scrape, from the indexes the API uses; a scrape is every few seconds at most.
    const open = db.prepare(
      "SELECT domain, severity, state, count(*) AS n FROM alerts WHERE state IN ('raised', 'acknowledged') GROUP BY domain, severity, state",
    );
    new Gauge({
      name: "ioc_alerts_open",
      help: "Open alerts, by domain, severity and state (raised: not yet acknowledged)",
      labelNames: ["domain", "severity", "state"],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of open.all() as { domain: string; severity: string; state: string; n: number }[])
          this.set({ domain: r.domain, severity: r.severity, state: r.state }, r.n);
      },
    });
    const backlog = db.prepare("SELECT id, (SELECT COALESCE(MAX(seq), 0) FROM alert_events) - cursor AS events FROM webhooks ORDER BY id");
    new Gauge({
      name: "ioc_webhook_backlog_events",
      help: "Alert events each webhook has not handled yet (delivered or filtered out)",
      labelNames: ["webhook"],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of backlog.all() as { id: string; events: number }[]) this.set({ webhook: r.id }, Math.max(0, r.events));
      },
    });
    const deadLetters = db.prepare("SELECT webhook_id AS id, count(*) AS n FROM webhook_dead_letters GROUP BY webhook_id");
    new Gauge({
      name: "ioc_webhook_dead_letters",
      help: "Deliveries each webhook gave up on (kept for alerts.retentionDays)",
      labelNames: ["webhook"],
      registers: [registry],
      collect() {
        this.reset();
        for (const r of deadLetters.all() as { id: string; n: number }[]) this.set({ webhook: r.id }, r.n);
      },
    });
  }
}
