// The alert list: a listbox the keyboard can drive (↑/↓, Home/End move; Enter or Space opens the
// alert), one roving tab stop, severity as colour and as text (never colour alone).
import type { AlertDoc, AlertFilter, AlertStore } from "./alert-store.js";
import { alertTitle } from "./alert-title.js";
import { formatTime, t } from "./i18n.js";
import { subjectLabel } from "./subject-names.js";
import { zoneName } from "./zone-names.js";

export class AlertListView {
  private selectedId: number | undefined;
  private focusedId: number | undefined;
  filter: AlertFilter = {};

  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly store: AlertStore,
    private readonly onOpen: (alert: AlertDoc) => void,
  ) {
    list.addEventListener("keydown", (event) => this.key(event));
    list.addEventListener("click", (event) => {
      const item = (event.target as HTMLElement).closest<HTMLElement>("[data-id]");
      if (item) this.open(Number(item.dataset.id));
    });
  }

  render(): void {
    const alerts = this.store.list(this.filter);
    const hadFocus = this.list.contains(document.activeElement);
    this.list.replaceChildren(...alerts.map((a) => this.item(a)));
    this.empty.hidden = alerts.length > 0;
    if (!alerts.some((a) => a.id === this.focusedId)) this.focusedId = alerts[0]?.id;
    for (const li of this.list.children) (li as HTMLElement).tabIndex = Number((li as HTMLElement).dataset.id) === this.focusedId ? 0 : -1;
    if (hadFocus) this.focusItem(this.focusedId);
  }

  select(id: number | undefined): void {
    this.selectedId = id;
    this.render();
  }

  private item(alert: AlertDoc): HTMLElement {
    const li = document.createElement("div");
    li.dataset.id = String(alert.id);
    li.dataset.severity = alert.severity;
    li.dataset.state = alert.state;
    li.role = "option";
    li.className = `alert severity-${alert.severity} state-${alert.state}`;
    li.setAttribute("aria-selected", String(alert.id === this.selectedId));
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = t(`severity.${alert.severity}`);
    const state = document.createElement("span");
    state.className = "state";
    state.textContent = t(`state.${alert.state}`);
    const message = document.createElement("span");
    message.className = "message";
    message.textContent = alert.message;
    const title = alertTitle(alert);
    // The zone, unless the title already names it.
    const zone = alert.zone && !title?.includes(zoneName(alert.zone)) ? ` · ${zoneName(alert.zone)}` : "";
    const meta = document.createElement("span");
    meta.className = "meta";
    // An environment alert says whether it is about the environment or about the sensor or station.
    const kind = alert.kind === "quality" || alert.kind === "sensor-health" ? ` · ${t(`kind.${alert.kind}`)}` : "";
    meta.textContent = `${t(`domain.${alert.domain}`)}${kind} · ${subjectLabel(alert.subject)}${zone} · ${formatTime(alert.raisedAt)}`;
    if (title === undefined) {
      li.append(badge, state, message, meta);
      return li;
    }
    const heading = document.createElement("span");
    heading.className = "title";
    heading.textContent = title;
    li.append(badge, state, heading, message, meta);
    return li;
  }

  private items(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>("[data-id]")];
  }

  private focusItem(id: number | undefined): void {
    this.focusedId = id;
    for (const li of this.items()) {
      const mine = Number(li.dataset.id) === id;
      li.tabIndex = mine ? 0 : -1;
      if (mine) li.focus();
    }
  }

  private key(event: KeyboardEvent): void {
    const items = this.items();
    const index = items.findIndex((li) => Number(li.dataset.id) === this.focusedId);
    const move = (to: number) => {
      event.preventDefault();
      const target = items[Math.max(0, Math.min(items.length - 1, to))];
      if (target) this.focusItem(Number(target.dataset.id));
    };
    if (event.key === "ArrowDown") move(index + 1);
    else if (event.key === "ArrowUp") move(index - 1);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(items.length - 1);
    else if ((event.key === "Enter" || event.key === " ") && this.focusedId !== undefined) {
      event.preventDefault();
      this.open(this.focusedId);
    }
  }

  private open(id: number): void {
    const alert = this.store.alerts.get(id);
    if (!alert) return;
    this.focusedId = id;
    this.select(id);
    this.onOpen(alert);
  }
}
