// The hub's REST API with the operator's token (Authorization: Bearer; WebSockets take it as
// ?access_token=, since browsers cannot set headers on them).
import type { AlertDoc } from "./alert-store.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AuditEntry {
  seq: number;
  action: string;
  at: string;
  actor: string;
  comment?: string;
}

export class ApiClient {
  constructor(private readonly token: string) {}

  async get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  socketUrl(path: string, query: Record<string, string | number> = {}): string {
    const url = new URL(path, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    for (const [k, v] of Object.entries({ ...query, access_token: this.token })) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /**
   * Every open alert, and the newest others (up to `max` in all), page by page, with the event
   * cursor taken first: events after it, replayed by the stream, bring every alert loaded up to date.
   * Open alerts come first, in full: the newest `max` alone could leave out an open critical alert
   * behind thousands of newer ones that ended (every zone entry of every vessel is an alert).
   */
  async alerts(max = 2000): Promise<{ alerts: AlertDoc[]; seq: number }> {
    const open = await this.pages("state=open&", Number.POSITIVE_INFINITY);
    const loaded = new Set(open.alerts.map((a) => a.id));
    const newest = await this.pages("", max);
    const alerts = [...open.alerts, ...newest.alerts.filter((a) => !loaded.has(a.id))].slice(0, Math.max(max, open.alerts.length));
    return { alerts, seq: open.seq };
  }

  /** Up to `max` alerts of one listing, newest first, and the event cursor of its first page. */
  private async pages(query: string, max: number): Promise<{ alerts: AlertDoc[]; seq: number }> {
    const first = await this.get<{ alerts: AlertDoc[]; next: number | null; seq: number }>(`/api/v1/alerts?${query}limit=500`);
    const alerts = [...first.alerts];
    let next = first.next;
    while (next !== null && alerts.length < max) {
      const page = await this.get<{ alerts: AlertDoc[]; next: number | null }>(`/api/v1/alerts?${query}limit=500&before=${next}`);
      alerts.push(...page.alerts);
      next = page.next;
    }
    return { alerts, seq: first.seq };
  }

  alert(id: number): Promise<AlertDoc & { audit: AuditEntry[] }> {
    return this.get(`/api/v1/alerts/${id}`);
  }

  act(id: number, action: "ack" | "comment" | "close", comment?: string): Promise<AlertDoc & { audit: AuditEntry[] }> {
    return this.post(`/api/v1/alerts/${id}/${action}`, comment ? { comment } : {});
  }

  /** One action on several alerts; each id's outcome (an alert acknowledged meanwhile by someone else is a conflict). */
  actOnMany(action: "ack" | "close", ids: number[]): Promise<{ results: { id: number; ok: boolean }[] }> {
    return this.post(`/api/v1/alerts/${action}`, { ids });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? response.statusText;
      throw new ApiError(response.status, message);
    }
    return parsed as T;
  }
}
