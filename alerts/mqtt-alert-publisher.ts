// Alert delivery over MQTT: every notified event on ioc/v1/alerts/{domain}/{ruleId} (QoS 1) as
// {"event": …, "alert": …}, and a retained summary of the open alerts per domain on
// ioc/v1/alerts/{domain}/summary. The last published event's sequence number is saved (at most once a
// second, and at shutdown), so a restart publishes what a crash left unsent and nothing twice; after a
// crash, the events of the last second may be published again (at least once, like QoS 1).
import type { Logger } from "../hub/logger.js";
import type { Database } from "../store/database.js";
import { EventCursor } from "./event-cursor.js";
import type { AlertEvent, AlertStore, Domain } from "./alert-store.js";
import { alertDocument } from "./alert-store.js";

const CURSOR_KEY = "mqtt.alerts.cursor";
const SUMMARY_LIMIT = 200;
export const domains: readonly Domain[] = ["fisheries", "environment", "system"];

export type Publish = (topic: string, payload: string, retain: boolean) => Promise<void>;

/** The wire form of an event, shared by MQTT, the WebSocket stream and webhooks. */
export function eventMessage(event: AlertEvent): Record<string, unknown> {
  const { alert, ...rest } = event;
  return { event: rest, alert };
}

export class MqttAlertPublisher {
  private chain: Promise<void> = Promise.resolve();
  private summaryTimer: NodeJS.Timeout | undefined;
  private readonly staleDomains = new Set<Domain>();
  private readonly cursor: EventCursor;

  constructor(
    db: Database,
    private readonly store: AlertStore,
    private readonly publish: Publish,
    private readonly log: Logger,
    /**
     * With rule partitions spread over instances, each owner summarises only its alerts: the
     * summary goes to `…/summary/p<owned>` (e.g. `p0-3`) so owners do not overwrite each other.
     */
    private readonly partitions?: { owned: string; of: number },
  ) {
    this.cursor = new EventCursor(db, CURSOR_KEY, (error) =>
      log.warn({ err: error }, "could not save the alert delivery cursor; retrying"),
    );
  }

  /** Publishes the events a previous run left unsent, and every domain's summary. */
  start(): Promise<void> {
    let after = this.cursor.load();
    for (;;) {
      const events = this.store.eventsAfter(after, 500);
      for (const event of events) this.deliver(event);
      if (events.length < 500) break;
      after = (events[events.length - 1] as AlertEvent).seq;
    }
    for (const domain of domains) this.staleDomains.add(domain);
    this.scheduleSummary();
    return this.chain;
  }

  /** Queues one event (in sequence order). */
  deliver = (event: AlertEvent): void => {
    this.chain = this.chain
      .then(async () => {
        if (event.notify) {
          await this.publish(`ioc/v1/alerts/${event.alert.domain}/${event.alert.rule}`, JSON.stringify(eventMessage(event)), false);
        }
        this.cursor.mark(event.seq);
      })
      .catch((error) => this.log.warn({ err: error, seq: event.seq }, "could not publish an alert event"));
    this.staleDomains.add(event.alert.domain);
    this.scheduleSummary();
  };

  private scheduleSummary(): void {
    if (this.summaryTimer) return;
    // Summaries are coalesced: a burst of events gives one retained message per domain.
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = undefined;
      const open = this.store.open();
      for (const domain of this.staleDomains) {
        const alerts = open.filter((a) => a.domain === domain);
        const summary = {
          domain,
          updatedAt: new Date().toISOString(),
          ...(this.partitions && { partitions: this.partitions }),
          open: alerts.length,
          bySeverity: {
            critical: alerts.filter((a) => a.severity === "critical").length,
            warning: alerts.filter((a) => a.severity === "warning").length,
            info: alerts.filter((a) => a.severity === "info").length,
          },
          unacknowledged: alerts.filter((a) => a.state === "raised").length,
          alerts: alerts.slice(-SUMMARY_LIMIT).map((row) => {
            const a = alertDocument(row);
            return {
              id: a.id,
              rule: a.rule,
              subject: a.subject,
              detail: a.detail,
              severity: a.severity,
              state: a.state,
              raisedAt: a.raisedAt,
              message: a.message,
            };
          }),
        };
        this.chain = this.chain
          .then(() => this.publish(this.summaryTopic(domain), JSON.stringify(summary), true))
          .catch((error) => this.log.warn({ err: error, domain }, "could not publish an alert summary"));
      }
      this.staleDomains.clear();
    }, 250);
    this.summaryTimer.unref();
  }

  private summaryTopic(domain: string): string {
    const base = `ioc/v1/alerts/${domain}/summary`;
    return this.partitions ? `${base}/p${this.partitions.owned}` : base;
  }

  /** Waits for queued publications (shutdown). */
  async drain(): Promise<void> {
    if (this.summaryTimer) {
      clearTimeout(this.summaryTimer);
      this.summaryTimer = undefined;
    }
    await this.chain;
    this.cursor.flush();
  }
}
