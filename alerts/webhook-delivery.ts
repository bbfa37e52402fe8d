// Alert delivery to webhooks: each subscription gets the notified events matching its filter, in
// order, at least once, as a JSON POST signed with HMAC-SHA256 over "<timestamp>.<body>"
// (headers x-ioc-timestamp and x-ioc-signature: sha256=<hex>; receivers refuse old timestamps to stop
// replays) with an idempotency key per event (the same on every retry). Failures are retried with
// exponential backoff and jitter; an event still failing after `maxAgeMs`, or refused with a 4xx
// that retrying cannot fix, goes to the subscription's dead-letter list and delivery moves on.
// Each subscription's cursor (last event handled) is in the database, so a restart resumes.
import { createHmac, randomBytes } from "node:crypto";
import type { Logger } from "../hub/logger.js";
import type { Database } from "../store/database.js";
import type { AlertEvent, AlertStore, Domain, Severity } from "./alert-store.js";
import { eventMessage } from "./mqtt-alert-publisher.js";

export interface WebhookFilter {
  domains?: Domain[];
  severities?: Severity[];
  /** Stations, vessels or devices (alert subjects). */
  subjects?: string[];
  zones?: string[];
}

export interface Webhook {
  id: string;
  url: string;
  filter: WebhookFilter;
  /** Only escalations (the second channel for unacknowledged critical alerts). */
  escalationOnly: boolean;
  cursor: number;
  createdAt: string;
}

interface WebhookRow {
  id: string;
  url: string;
  secret: string;
  filter: string;
  escalation_only: number;
  cursor: number;
  created_at: number;
}

export interface WebhookOptions {
  maxAgeMs: number;
  firstRetryMs: number;
  maxRetryMs: number;
  timeoutMs: number;
}

export const defaultWebhookOptions: WebhookOptions = {
  maxAgeMs: 24 * 3_600_000,
  firstRetryMs: 1_000,
  maxRetryMs: 60_000,
  timeoutMs: 10_000,
};

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function matches(filter: WebhookFilter, escalationOnly: boolean, event: AlertEvent): boolean {
  if (!event.notify) return false;
  if (escalationOnly !== (event.type === "escalated")) return false;
  const a = event.alert;
  if (filter.domains && !filter.domains.includes(a.domain)) return false;
  if (filter.severities && !filter.severities.includes(a.severity)) return false;
  if (filter.subjects && !filter.subjects.includes(a.subject)) return false;
  if (filter.zones && (a.zone === undefined || !filter.zones.includes(a.zone))) return false;
  return true;
}

const toWebhook = (r: WebhookRow): Webhook => ({
  id: r.id,
  url: r.url,
  filter: JSON.parse(r.filter) as WebhookFilter,
  escalationOnly: r.escalation_only === 1,
  cursor: r.cursor,
  createdAt: new Date(r.created_at).toISOString(),
});

export class WebhookDelivery {
  private readonly running = new Map<string, { wake: () => void; stopped: boolean }>();
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly store: AlertStore,
    private readonly log: Logger,
    private readonly options: WebhookOptions = defaultWebhookOptions,
  ) {}

  list(): Webhook[] {
    return (this.db.prepare("SELECT * FROM webhooks ORDER BY created_at").all() as WebhookRow[]).map(toWebhook);
  }

  /** Adds a subscription from the next event on; returns it with its signing secret (shown once). */
  add(
    url: string,
    filter: WebhookFilter,
    escalationOnly: boolean,
    secret = randomBytes(32).toString("base64url"),
  ): Webhook & { secret: string } {
    const id = randomBytes(6).toString("hex");
    this.db
      .prepare("INSERT INTO webhooks (id, url, secret, filter, escalation_only, cursor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, url, secret, JSON.stringify(filter), escalationOnly ? 1 : 0, this.store.lastSeq(), Date.now());
    const row = this.db.prepare("SELECT * FROM webhooks WHERE id = ?").get(id) as WebhookRow;
    if (!this.stopping) this.run(row);
    return { ...toWebhook(row), secret };
  }

  remove(id: string): boolean {
    const removed = this.db.prepare("DELETE FROM webhooks WHERE id = ?").run(id).changes > 0;
    const worker = this.running.get(id);
    if (worker) {
      worker.stopped = true;
      worker.wake();
      this.running.delete(id);
    }
    return removed;
  }

  deadLetters(id: string): { seq: number; failedAt: string; attempts: number; lastError: string }[] {
    const rows = this.db
      .prepare("SELECT seq, failed_at, attempts, last_error FROM webhook_dead_letters WHERE webhook_id = ? ORDER BY id")
      .all(id) as {
      seq: number;
      failed_at: number;
      attempts: number;
      last_error: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, failedAt: new Date(r.failed_at).toISOString(), attempts: r.attempts, lastError: r.last_error }));
  }

  start(): void {
    for (const row of this.db.prepare("SELECT * FROM webhooks").all() as WebhookRow[]) this.run(row);
  }

  /** New events: wake every subscription's worker. */
  notify = (): void => {
    for (const worker of this.running.values()) worker.wake();
  };

  stop(): void {
    this.stopping = true;
    for (const worker of this.running.values()) {
      worker.stopped = true;
      worker.wake();
    }
    this.running.clear();
  }

  private run(row: WebhookRow): void {
    // `idle` waits for new events (woken by notify); `backoff` waits out a retry (woken only by stop).
    let woken = false;
    let interruptIdle: () => void = () => {};
    let interruptBackoff: () => void = () => {};
    const worker = {
      stopped: false,
      wake: () => {
        woken = true;
        interruptIdle();
        if (worker.stopped) interruptBackoff();
      },
    };
    this.running.set(row.id, worker);
    const wait = (ms: number, set: (interrupt: () => void) => void) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        timer.unref();
        set(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    const idle = async (ms: number) => {
      if (woken) return;
      await wait(ms, (f) => {
        interruptIdle = f;
      });
    };
    const backoff = (ms: number) =>
      wait(ms, (f) => {
        interruptBackoff = f;
      });
    const filter = JSON.parse(row.filter) as WebhookFilter;
    const escalationOnly = row.escalation_only === 1;
    const loop = async () => {
      let cursor = row.cursor;
      while (!worker.stopped) {
        woken = false;
        const events = this.store.eventsAfter(cursor, 100);
        if (events.length === 0) {
          await idle(60_000);
          continue;
        }
        for (const event of events) {
          if (worker.stopped) return;
          if (matches(filter, escalationOnly, event)) await this.deliver(row, event, worker, backoff);
          if (worker.stopped) return;
          cursor = event.seq;
          this.db.prepare("UPDATE webhooks SET cursor = ? WHERE id = ?").run(cursor, row.id);
        }
      }
    };
    loop().catch((error) => this.log.error({ err: error, webhook: row.id }, "webhook worker failed"));
  }

  private async deliver(
    row: WebhookRow,
    event: AlertEvent,
    worker: { stopped: boolean },
    sleep: (ms: number) => Promise<void>,
  ): Promise<void> {
    const idempotencyKey = `ioc-alert-event-${event.seq}`;
    const body = JSON.stringify({ ...eventMessage(event), idempotencyKey });
    const first = Date.now();
    let attempts = 0;
    let lastError = "";
    while (!worker.stopped) {
      attempts++;
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const response = await fetch(row.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "idempotency-key": idempotencyKey,
            "x-ioc-event-seq": String(event.seq),
            "x-ioc-timestamp": timestamp,
            "x-ioc-signature": signature(row.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
        const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
        if (permanent) break;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (Date.now() - first >= this.options.maxAgeMs) break;
      const backoff = Math.min(this.options.maxRetryMs, this.options.firstRetryMs * 2 ** (attempts - 1));
      this.log.warn({ webhook: row.id, seq: event.seq, attempts, error: lastError }, "webhook delivery failed; retrying");
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
    if (worker.stopped) return;
    this.log.error({ webhook: row.id, seq: event.seq, attempts, error: lastError }, "webhook delivery given up: dead-lettered");
    this.db
      .prepare("INSERT INTO webhook_dead_letters (webhook_id, seq, failed_at, attempts, last_error) VALUES (?, ?, ?, ?, ?)")
      .run(row.id, event.seq, Date.now(), attempts, lastError);
  }
}
