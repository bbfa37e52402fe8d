// One alert: what it is, the operator's actions (acknowledge, comment, close — each a REST call)
// and its audit trail, refreshed after every action and whenever the stream changes the alert.
import { type ApiClient, ApiError, type AuditEntry } from "./api-client.js";
import type { AlertDoc } from "./alert-store.js";
import { alertTitle, quantityLabel } from "./alert-title.js";
import { formatNumber, formatTime, t } from "./i18n.js";
import { evidenceList } from "./evidence-list.js";
import { subjectLabel, subjectName } from "./subject-names.js";
import { zoneName } from "./zone-names.js";

export class AlertDetailView {
  private current: (AlertDoc & { audit: AuditEntry[] }) | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly api: ApiClient,
    private readonly onLocate: (alert: AlertDoc) => void,
  ) {}

  get alertId(): number | undefined {
    return this.current?.id;
  }

  async show(id: number): Promise<void> {
    const opened = this.current?.id !== id;
    this.current = await this.api.alert(id);
    this.render();
    // Where it is, when it is opened (not at every refresh, which would move the map under the operator).
    if (opened) this.onLocate(this.current);
  }

  /** The stream changed this alert: fetch it again (state and audit trail). */
  async refresh(id: number): Promise<void> {
    if (this.current?.id === id) await this.show(id);
  }

  private async act(action: "ack" | "comment" | "close", comment?: string): Promise<void> {
    if (!this.current) return;
    try {
      this.current = await this.api.act(this.current.id, action, comment);
      this.render();
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      this.render(t("actionFailed", { message }));
    }
  }

  private render(error?: string): void {
    const a = this.current;
    this.root.hidden = !a;
    if (!a) return;
    const h = (tag: string, text: string, className?: string) => {
      const element = document.createElement(tag);
      element.textContent = text;
      if (className) element.className = className;
      return element;
    };
    const facts = document.createElement("dl");
    const fact = (label: string, value: string | undefined) => {
      if (value === undefined) return;
      facts.append(h("dt", t(label)), h("dd", value));
    };
    fact("severity", t(`severity.${a.severity}`));
    fact("rule", a.rule);
    const subject = subjectLabel(a.subject);
    fact("subject", a.detail ? `${subject} · ${a.zone === a.detail ? zoneName(a.detail) : quantityLabel(a.detail)}` : subject);
    fact("zone", a.zone === undefined ? undefined : zoneName(a.zone));
    fact("value", a.value === undefined ? undefined : formatNumber(a.value));
    fact("threshold", a.threshold === undefined ? undefined : formatNumber(a.threshold));
    fact("raisedAt", formatTime(a.raisedAt));
    fact("lastSeenAt", formatTime(a.lastSeenAt));
    fact("occurrences", String(a.occurrences));

    const actions = document.createElement("div");
    actions.className = "actions";
    const button = (label: string, enabled: boolean, run: () => void, name: string) => {
      const b = h("button", t(label)) as HTMLButtonElement;
      b.type = "button";
      b.disabled = !enabled;
      b.dataset.action = name;
      b.addEventListener("click", run);
      return b;
    };
    actions.append(
      button("acknowledge", a.state === "raised", () => void this.act("ack"), "ack"),
      button("close", a.state !== "closed", () => void this.act("close"), "close"),
    );
    const form = document.createElement("form");
    form.className = "comment";
    const label = h("label", t("comment")) as HTMLLabelElement;
    label.htmlFor = "comment-text";
    const text = document.createElement("textarea");
    text.id = "comment-text";
    text.required = true;
    text.maxLength = 2000;
    const submit = h("button", t("addComment")) as HTMLButtonElement;
    submit.type = "submit";
    form.append(label, text, submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (text.value.trim()) void this.act("comment", text.value.trim());
    });

    const audit = document.createElement("ol");
    audit.className = "audit";
    for (const entry of a.audit) {
      const li = h(
        "li",
        `${formatTime(entry.at)} — ${t(`event.${entry.action}`)} ${t("by")} ${entry.actor}${entry.comment ? `: ${entry.comment}` : ""}`,
      );
      li.dataset.event = entry.action;
      audit.append(li);
    }
    const heading = h("h2", `${subjectName(a.subject) ?? a.subject} — ${alertTitle(a) ?? a.message}`);
    heading.id = "detail-heading";
    const message = h("p", a.message, "message");
    const state = h("p", t(`state.${a.state}`), `state state-${a.state}`);
    state.dataset.state = a.state;
    const children: Node[] = [heading, message, state, facts];
    if (a.evidence && a.evidence.length > 0) children.push(h("h3", t("evidence")), evidenceList(a.evidence, a.subject));
    children.push(actions, form, h("h3", t("audit")), audit);
    if (error) children.splice(1, 0, h("p", error, "error"));
    this.root.replaceChildren(...children);
    this.root.setAttribute("aria-labelledby", "detail-heading");
  }
}
