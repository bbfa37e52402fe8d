// The map: no tile server (the centre may have no internet) — the base layer is the coastline the
// hub serves (/api/v1/basemap), over which come the zones, the air and water stations coloured by
// their current index, the vessels (updated live from /api/v1/vessels/stream) and the selected
// vessel's 24-hour track. Leaflet draws on a canvas renderer: hundreds of vessels stay cheap.
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import type { AlertDoc } from "./alert-store.js";
import type { ApiClient } from "./api-client.js";
import { currentLanguage, formatTime, t } from "./i18n.js";
import { openAlertsList } from "./open-alerts-list.js";
import { ReconnectingSocket } from "./reconnecting-socket.js";
import { type StationProperties, stationCard } from "./station-card.js";
import { type LastFix, type RegisteredVessel, vesselCard } from "./vessel-card.js";
import { learnStationNames, learnVesselNames, subjectLabel, subjectName } from "./subject-names.js";
import { learnZoneNames, zoneName } from "./zone-names.js";

interface Feature {
  id?: string;
  geometry: { type: string; coordinates: number[] };
  properties: Record<string, unknown>;
}

interface LivePosition {
  vessel: string;
  source: string;
  time: string;
  lat: number;
  lon: number;
  sogKn?: number;
}

/** Category colours of VN_AQI (Decision 1459/QĐ-TCMT) and VN_WQI (Decision 1460/QĐ-TCMT), by category id. */
const CATEGORY_COLOURS: Record<string, string> = {
  good: "#00e400",
  excellent: "#3366ff",
  moderate: "#ffff00",
  fair: "#ffff00",
  poor: "#ff7e00",
  bad: "#ff0000",
  very_bad: "#8f3f97",
  hazardous: "#7e0023",
  heavily_polluted: "#7e0023",
};

const ZONE_COLOURS: Record<string, string> = { mpa: "#c0392b", port: "#2c3e50", boundary: "#8e44ad" };
/** The span of a vessel's track shown with one of its alerts, around the alert. */
const ALERT_TRACK_BEFORE_MS = 6 * 3_600_000;
const ALERT_TRACK_AFTER_MS = 3_600_000;
/** How often the vessel register's names are read again (vessels registered while the console is open). */
const REGISTER_REFRESH_MS = 10 * 60_000;

export class MapView {
  readonly map: L.Map;
  private readonly vessels = new Map<string, L.CircleMarker>();
  private readonly lastFixes = new Map<string, LastFix>();
  private readonly stations = new Map<string, L.CircleMarker>();
  private readonly vesselLayer = L.layerGroup();
  private readonly stationLayer = L.layerGroup();
  private track: L.Polyline | undefined;
  private stream: ReconnectingSocket | undefined;
  private registerTimer: ReturnType<typeof setInterval> | undefined;
  private stationCount = 0;

  constructor(
    element: HTMLElement,
    private readonly api: ApiClient,
    private readonly status: HTMLElement,
    /** A subject's open alerts, shown in its card. */
    private readonly openAlertsOf: (subject: string) => AlertDoc[] = () => [],
  ) {
    this.map = L.map(element, { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 }).setView([16.5, 107.7], 9);
    element.style.background = "#cfe3f3";
    // The panel's size changes with the layout (an alert opened, the window resized): Leaflet must re-measure.
    new ResizeObserver(() => this.map.invalidateSize()).observe(element);
    this.vesselLayer.addTo(this.map);
    this.stationLayer.addTo(this.map);
  }

  async load(): Promise<void> {
    const [land, zones, latest, stations] = await Promise.all([
      this.api.get<{ features: Feature[] }>("/api/v1/basemap"),
      this.api.get<{ features: Feature[] }>("/api/v1/zones").catch(() => ({ features: [] })),
      this.api.get<{ features: Feature[] }>("/api/v1/vessels/latest?maxAgeHours=48").catch(() => ({ features: [] })),
      this.api.get<{ features: Feature[] }>("/api/v1/stations").catch(() => ({ features: [] })),
      this.learnRegister(),
    ]);
    L.geoJSON(land as never, { style: { color: "#7a6a4f", weight: 1, fillColor: "#efe6d2", fillOpacity: 1 }, interactive: false }).addTo(
      this.map,
    );
    const zoneLayer = L.geoJSON(zones as never, {
      style: (feature) => {
        const kind = String(feature?.properties?.kind ?? "");
        return {
          color: ZONE_COLOURS[kind] ?? "#16a085",
          weight: 1.5,
          fillOpacity: 0.08,
          dashArray: kind === "boundary" ? "6 4" : undefined,
        };
      },
      onEachFeature: (feature, layer) =>
        layer.bindTooltip(() => zoneName(String(feature.properties?.id ?? feature.id ?? "")) || String(feature.properties?.name ?? "")),
    }).addTo(this.map);
    learnZoneNames(zones.features);
    const bounds = zoneLayer.getBounds();
    if (bounds.isValid()) this.map.fitBounds(bounds, { padding: [10, 10] });
    for (const f of latest.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      this.placeVessel({
        vessel: String(f.properties.vessel),
        source: String(f.properties.source),
        time: String(f.properties.time),
        lat,
        lon,
        sogKn: f.properties.sogKn as number | undefined,
      });
    }
    learnStationNames(stations.features);
    for (const f of stations.features) this.placeStation(f);
    this.stationCount = stations.features.length;
    this.updateStatus();
    this.stream = new ReconnectingSocket({
      url: () => this.api.socketUrl("/api/v1/vessels/stream"),
      onMessage: (data) => this.placeVessel(JSON.parse(data) as LivePosition),
      onState: () => undefined,
    });
    this.stream.start();
    this.registerTimer = setInterval(() => void this.learnRegister(), REGISTER_REFRESH_MS);
  }

  stop(): void {
    this.stream?.stop();
    clearInterval(this.registerTimer);
  }

  /** The register's vessel names, for the alert list and the markers (a role that may not read it keeps ids). */
  private async learnRegister(): Promise<void> {
    const register = await this.api.get<{ vessels: { id: string; name?: string }[] }>("/api/v1/vessels").catch(() => ({ vessels: [] }));
    learnVesselNames(register.vessels);
  }

  focus(lat: number, lon: number): void {
    this.map.panTo([lat, lon]);
  }

  private placeVessel(p: LivePosition): void {
    let marker = this.vessels.get(p.vessel);
    if (!marker) {
      marker = L.circleMarker([p.lat, p.lon], {
        radius: 5,
        color: "#1b4f72",
        weight: 1,
        fillColor: p.source === "vms" ? "#f39c12" : "#2e86c1",
        fillOpacity: 0.9,
      });
      marker.on("click", () => void this.showVessel(p.vessel));
      marker.addTo(this.vesselLayer);
      this.vessels.set(p.vessel, marker);
      this.updateStatus();
    } else {
      marker.setLatLng([p.lat, p.lon]);
    }
    marker.bindTooltip(`${subjectLabel(p.vessel)}${p.sogKn !== undefined ? ` · ${t("speed", { speed: p.sogKn.toFixed(1) })}` : ""}`);
    this.lastFixes.set(p.vessel, { time: p.time, source: p.source, ...(p.sogKn !== undefined && { sogKn: p.sogKn }) });
  }

  /** A vessel clicked: its card (who it is, where and when it was last heard) and its 24-hour track. */
  async showVessel(vessel: string): Promise<void> {
    const marker = this.vessels.get(vessel);
    // Transmitters the register does not know have ids of their own (`unregistered:…`): nothing to look up.
    const registered = vessel.startsWith("unregistered:")
      ? undefined
      : await this.api.get<RegisteredVessel>(`/api/v1/vessels/${encodeURIComponent(vessel)}`).catch(() => undefined);
    if (registered) learnVesselNames([registered]);
    if (marker) {
      marker.unbindPopup();
      const card = vesselCard(vessel, registered, this.lastFixes.get(vessel));
      card.append(openAlertsList(this.openAlertsOf(vessel)));
      marker.bindPopup(card, { maxWidth: 320 }).openPopup();
    }
    await this.showTrack(vessel);
  }

  /** Pans to a station and opens its card; false when the map has no such station. */
  showStation(station: string): boolean {
    const marker = this.stations.get(station);
    if (!marker) return false;
    this.map.panTo(marker.getLatLng());
    marker.openPopup();
    return true;
  }

  /** Where a vessel's or a station's marker is on the map's container, in pixels (for end-to-end tests that click it). */
  markerPoint(kind: "vessel" | "station", id: string): { x: number; y: number } | undefined {
    const marker = (kind === "vessel" ? this.vessels : this.stations).get(id);
    return marker ? this.map.latLngToContainerPoint(marker.getLatLng()) : undefined;
  }

  private placeStation(f: Feature): void {
    const [lon, lat] = f.geometry.coordinates as [number, number];
    const indices = (f.properties.indices ?? {}) as Record<string, { value: number; category: string; name?: { vi: string; en: string } }>;
    const index = indices.vn_aqi ?? indices.vn_wqi;
    const colour = index ? (CATEGORY_COLOURS[index.category] ?? "#999999") : "#bbbbbb";
    const category = index ? (index.name?.[currentLanguage()] ?? index.category) : "";
    const id = String(f.properties.id ?? f.id);
    const label = `${subjectName(id) ?? id} — ${index ? `${indices.vn_aqi ? "VN_AQI" : "VN_WQI"} ${index.value} (${category})` : t("noIndex")}`;
    const marker = L.circleMarker([lat, lon], { radius: 7, color: "#333", weight: 1, fillColor: colour, fillOpacity: 1 })
      .bindTooltip(label)
      // Built when opened: the language may have changed since the map was drawn.
      .bindPopup(
        () => {
          const card = stationCard({ ...(f.properties as unknown as StationProperties), id });
          card.append(openAlertsList(this.openAlertsOf(id)));
          return card;
        },
        { maxWidth: 320 },
      )
      .addTo(this.stationLayer);
    this.stations.set(id, marker);
  }

  /**
   * A fisheries alert opened: the vessel's track around it (from 6 h before it was raised to an hour
   * after it was last seen or cleared), so that an officer sees how the vessel came there and left.
   */
  async showAlertTrack(alert: AlertDoc): Promise<void> {
    if (alert.position) this.focus(alert.position.lat, alert.position.lon);
    const from = Date.parse(alert.raisedAt) - ALERT_TRACK_BEFORE_MS;
    const to = Math.min(Date.now(), Date.parse(alert.clearedAt ?? alert.lastSeenAt) + ALERT_TRACK_AFTER_MS);
    const label = t("trackBetween", { vessel: subjectLabel(alert.subject), from: formatTime(from), to: formatTime(to) });
    await this.showTrack(alert.subject, label, { from, to }).catch(() => undefined); // a role without tracks keeps the focus
  }

  private async showTrack(
    vessel: string,
    label = t("track", { vessel: subjectLabel(vessel) }),
    span?: { from: number; to: number },
  ): Promise<void> {
    const query = span ? `?from=${span.from}&to=${span.to}` : "";
    const track = await this.api.get<{ geometry: { coordinates: [number, number][] } | null }>(
      `/api/v1/vessels/${encodeURIComponent(vessel)}/track${query}`,
    );
    this.track?.remove();
    this.track = undefined;
    // Fewer than two fixes in the span: no line to draw (the marker shows the one there is).
    if (track.geometry) {
      this.track = L.polyline(
        track.geometry.coordinates.map(([lon, lat]) => [lat, lon] as [number, number]),
        { color: "#e74c3c", weight: 2 },
      )
        .bindTooltip(label)
        .addTo(this.map);
    }
    this.status.textContent = label;
  }

  private updateStatus(): void {
    this.status.textContent = `${t("vessels", { count: this.vessels.size })} · ${t("stations", { count: this.stationCount })}`;
  }
}
