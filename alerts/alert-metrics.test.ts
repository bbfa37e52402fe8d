// The alerts' Prometheus metrics over a real SQLite database and prom-client registry.
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { AlertLifecycle } from "./alert-lifecycle.js";
import { AlertMetrics } from "./alert-metrics.js";
import type { AlertTransition } from "./alert-transition.js";
import { doLowTransition } from "../test/support/alert-transitions.js";

const T0 = Date.parse("2026-11-23T02:00:00Z");

const transition = (subject: string, state: AlertTransition["state"], extra: Partial<AlertTransition> = {}) =>
  doLowTransition(subject, state, T0, extra);

describe("alert metrics", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  beforeEach(() => {
    dir = tempDir("alert-metrics");
    db = openDatabase(dir.path);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it("counts events, open alerts by state, failed transitions, and each webhook's backlog and dead letters", async () => {
    const registry = new Registry();
    const lifecycle = new AlertLifecycle(db, undefined, () => T0);
    const metrics = new AlertMetrics(registry, db, lifecycle);
    lifecycle.apply(transition("wq-a", "raised"));
    const acked = lifecycle.apply(transition("wq-b", "raised"))[0]?.alert.id as number;
    lifecycle.acknowledge(acked, "officer-1", undefined, T0);
    lifecycle.apply(transition("wq-c", "raised"));
    lifecycle.apply(transition("wq-c", "cleared"));
    lifecycle.apply(transition("TTH-1", "raised", { rule: "zone-transit", domain: "fisheries", severity: "info", detail: "zone-venbo" }));
    lifecycle.applyAll([transition("wq-x", "raised", { severity: "urgent" as AlertTransition["severity"] })], () =>
      metrics.transitionsFailed.inc(),
    );
    db.prepare("INSERT INTO webhooks (id, url, secret, filter, escalation_only, cursor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      "wh-down",
      "http://127.0.0.1:9/hook",
      "a-shared-secret-of-32-characters",
      "{}",
      0,
      2,
      T0,
    );
    db.prepare("INSERT INTO webhook_dead_letters (webhook_id, seq, failed_at, attempts, last_error) VALUES (?, ?, ?, ?, ?)").run(
      "wh-down",
      1,
      T0,
      9,
      "connect ECONNREFUSED",
    );

    const text = await registry.metrics();
    const sample = (line: string) => expect(text).toContain(line);
    sample('ioc_alert_events_total{domain="environment",event="raised"} 3');
    sample('ioc_alert_events_total{domain="environment",event="acknowledged"} 1');
    sample('ioc_alert_events_total{domain="environment",event="cleared"} 1');
    sample('ioc_alert_events_total{domain="fisheries",event="raised"} 1');
    sample('ioc_alerts_open{domain="environment",severity="critical",state="raised"} 1');
    sample('ioc_alerts_open{domain="environment",severity="critical",state="acknowledged"} 1');
    sample('ioc_alerts_open{domain="fisheries",severity="info",state="raised"} 1');
    sample("ioc_alert_transitions_failed_total 1");
    // Six events recorded, two handled by the webhook.
    sample('ioc_webhook_backlog_events{webhook="wh-down"} 4');
    sample('ioc_webhook_dead_letters{webhook="wh-down"} 1');
  });
});
