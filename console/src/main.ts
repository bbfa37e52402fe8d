// The operator console: sign in with an API token, then a live alert list (snapshot + WebSocket
// stream resumed from the cursor), the selected alert with its actions and audit trail, and the map.
import { AlertDetailView } from "./alert-detail-view.js";
import { AlertListView } from "./alert-list-view.js";
import { AlertStore, type StreamMessage } from "./alert-store.js";
import { BulkAcknowledge } from "./bulk-acknowledge.js";
import { alertHeadline } from "./alert-title.js";
import { ApiClient, ApiError } from "./api-client.js";
import { type Language, setLanguage, t } from "./i18n.js";
import { MapView } from "./map-view.js";
import { ReconnectingSocket } from "./reconnecting-socket.js";
import { subjectName } from "./subject-names.js";
import { zoneName } from "./zone-names.js";
import "./styles.css";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const TOKEN_KEY = "ioc-console-token";
const LANGUAGE_KEY = "ioc-console-language";

function beep(): void {
  // A short two-tone cue; browsers may refuse audio before the first user gesture — then only the banner shows.
  try {
    const audio = new AudioContext();
    const oscillator = audio.createOscillator();
    oscillator.frequency.setValueAtTime(880, audio.currentTime);
    oscillator.frequency.setValueAtTime(660, audio.currentTime + 0.15);
    oscillator.connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.3);
  } catch {
    // no audio: the visual cue is enough
  }
}

function fillSelect(select: HTMLSelectElement, values: string[], label: (v: string) => string): void {
  const current = select.value;
  select.replaceChildren(new Option(t("any"), ""), ...values.map((v) => new Option(label(v), v)));
  select.value = values.includes(current) ? current : "";
}

async function startConsole(token: string): Promise<void> {
  const api = new ApiClient(token);
  const snapshot = await api.alerts(); // throws ApiError 401 for a bad token
  sessionStorage.setItem(TOKEN_KEY, token);
  $("sign-in-view").hidden = true;
  $("console-view").hidden = false;
  $("sign-out").hidden = false;

  const store = new AlertStore();
  const map = new MapView($("map"), api, $("map-status"), (subject) => store.openOf(subject));
  // An opened alert shows where it is: a vessel's position with its track around the alert, or its
  // station with the station's card.
  const detail = new AlertDetailView($("detail"), api, (a) => {
    if (a.domain === "fisheries") void map.showAlertTrack(a);
    else if (a.position) map.focus(a.position.lat, a.position.lon);
    else if (a.domain === "environment") map.showStation(a.subject);
  });
  const list = new AlertListView($("alert-list"), $("alert-empty"), store, (alert) => {
    void detail.show(alert.id);
  });
  const bulk = new BulkAcknowledge(
    $<HTMLButtonElement>("ack-shown"),
    store,
    api,
    () => list.filter,
    (message) => {
      banner.textContent = t("actionFailed", { message });
      banner.hidden = false;
    },
  );
  // The list and what the bulk button offers follow the same filters and events.
  const render = () => {
    list.render();
    bulk.refresh();
  };
  const filters = {
    domain: $<HTMLSelectElement>("filter-domain"),
    severity: $<HTMLSelectElement>("filter-severity"),
    kind: $<HTMLSelectElement>("filter-kind"),
    zone: $<HTMLSelectElement>("filter-zone"),
    closed: $<HTMLInputElement>("filter-closed"),
  };
  const renderFilters = () => {
    fillSelect(filters.domain, ["fisheries", "environment", "system"], (v) => t(`domain.${v}`));
    fillSelect(filters.severity, ["critical", "warning", "info"], (v) => t(`severity.${v}`));
    // Pollution apart from sensor and station faults: what the environment department asks first.
    fillSelect(filters.kind, ["quality", "sensor-health"], (v) => t(`kind.${v}`));
    fillSelect(filters.zone, store.zones(), zoneName);
  };
  const applyFilters = () => {
    list.filter = {
      domain: filters.domain.value || undefined,
      severity: filters.severity.value || undefined,
      kind: filters.kind.value || undefined,
      zone: filters.zone.value || undefined,
      showClosed: filters.closed.checked,
    };
    render();
  };
  for (const element of Object.values(filters)) element.addEventListener("change", applyFilters);
  // One redraw per frame, however many events a burst brings (a provider back with its fleet).
  let redrawQueued = false;
  store.onChange(() => {
    if (redrawQueued) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      render();
      fillSelect(filters.zone, store.zones(), zoneName);
    });
  });
  renderFilters();
  store.load(snapshot.alerts, snapshot.seq);

  const connection = $("connection");
  const banner = $("banner");
  let bannerTimer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReconnectingSocket({
    url: () => api.socketUrl("/api/v1/alerts/stream", { after: store.cursor }),
    onMessage: (data) => {
      const message = JSON.parse(data) as StreamMessage;
      if (message.type === "live") {
        connection.textContent = t("connected");
        connection.dataset.state = "live";
        return;
      }
      const result = store.apply(message);
      if (result.applied && message.alert) void detail.refresh(message.alert.id);
      if (result.newCritical) {
        banner.textContent = t("newCritical", {
          message: `${subjectName(result.newCritical.subject) ?? result.newCritical.subject} — ${alertHeadline(result.newCritical)}`,
        });
        banner.hidden = false;
        clearTimeout(bannerTimer);
        bannerTimer = setTimeout(() => (banner.hidden = true), 15_000);
        beep();
      }
    },
    onState: (state) => {
      if (state !== "open") {
        connection.textContent = t("reconnecting");
        connection.dataset.state = "reconnecting";
      }
    },
  });
  stream.start();
  // For end-to-end tests: drop the stream as a network loss would, to prove resume.
  (window as unknown as { iocConsole: unknown }).iocConsole = {
    store,
    dropStream: () => stream.drop(),
    markerPoint: (kind: "vessel" | "station", id: string) => map.markerPoint(kind, id),
    showVessel: (id: string) => map.showVessel(id),
  };
  $("language").addEventListener("change", () => {
    renderFilters();
    render();
    if (detail.alertId !== undefined) void detail.show(detail.alertId);
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    stream.stop();
    map.stop();
    window.location.reload();
  });
  // The zones' names arrive with the map: the list and the zone filter name them from then on.
  await map.load();
  renderFilters();
  render();
}

function main(): void {
  const languageSelect = $<HTMLSelectElement>("language");
  const language = (localStorage.getItem(LANGUAGE_KEY) as Language | null) ?? "vi";
  languageSelect.value = language;
  setLanguage(language);
  languageSelect.addEventListener("change", () => {
    localStorage.setItem(LANGUAGE_KEY, languageSelect.value);
    setLanguage(languageSelect.value as Language);
  });
  const form = $<HTMLFormElement>("sign-in");
  const showSignIn = (error?: string) => {
    $("sign-in-view").hidden = false;
    $("sign-in-error").textContent = error ?? "";
    $<HTMLInputElement>("token").focus();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startConsole($<HTMLInputElement>("token").value.trim()).catch((error) =>
      showSignIn(error instanceof ApiError && error.status === 401 ? t("tokenInvalid") : String(error)),
    );
  });
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) startConsole(saved).catch(() => showSignIn());
  else showSignIn();
}

main();
