// "Acknowledge the N new alerts shown": an operator working through a storm (a fleet leaving port,
// a provider back with its backlog) takes charge of every raised alert the current filters show in
// one step, after confirming the count; the stream then brings the changes like any other.
import type { AlertFilter, AlertStore } from "./alert-store.js";
import type { ApiClient } from "./api-client.js";
import { t } from "./i18n.js";

/** What the hub takes in one request (POST /api/v1/alerts/ack). */
const PER_REQUEST = 1000;

export class BulkAcknowledge {
  constructor(
    private readonly button: HTMLButtonElement,
    private readonly store: AlertStore,
    private readonly api: ApiClient,
    private readonly filter: () => AlertFilter,
    private readonly onError: (message: string) => void,
  ) {
    button.addEventListener("click", () => void this.acknowledge());
  }

  private shownRaised(): number[] {
    return this.store
      .list(this.filter())
      .filter((a) => a.state === "raised")
      .map((a) => a.id);
  }

  refresh(): void {
    const count = this.shownRaised().length;
    this.button.hidden = count < 2; // one alert is acknowledged in its detail
    this.button.textContent = t("ackShown", { count });
  }

  private async acknowledge(): Promise<void> {
    const ids = this.shownRaised();
    if (ids.length === 0 || !window.confirm(t("ackShownConfirm", { count: ids.length }))) return;
    this.button.disabled = true;
    try {
      for (let i = 0; i < ids.length; i += PER_REQUEST) await this.api.actOnMany("ack", ids.slice(i, i + PER_REQUEST));
    } catch (error) {
      this.onError(String(error instanceof Error ? error.message : error));
    } finally {
      this.button.disabled = false;
    }
  }
}
