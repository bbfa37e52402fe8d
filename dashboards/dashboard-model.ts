// Typed helpers that build Grafana dashboard JSON (schemaVersion 41: Grafana 11.6 and 12.x) with raw
// InfluxQL targets. Dashboards are code rather than hand-kept JSON so that every board shares one
// datasource reference and one panel vocabulary, and so that colour bands come from the same
// breakpoint tables the hub computes its indices with (alerts/indices/*.json): the board and the hub
// cannot disagree on where "Kém" starts. `npm run dashboards` writes the JSON that Grafana provisions;
// a test fails when the committed JSON is stale. (@grafana/grafana-foundation-sdk was considered: it is
// 0.0.x, not API-stable, emits schemaVersion 42, and has no InfluxDB query builder.)

export const DATASOURCE = { type: "influxdb", uid: "ioc-influxdb" } as const;

export interface Target {
  refId: string;
  datasource: typeof DATASOURCE;
  rawQuery: true;
  resultFormat: "time_series" | "table";
  query: string;
  alias?: string;
}

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: GridPos;
  datasource: typeof DATASOURCE;
  targets: Target[];
  options: Record<string, unknown>;
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  transformations?: { id: string; options: Record<string, unknown> }[];
}

export interface Variable {
  type: "query";
  name: string;
  label: string;
  datasource: typeof DATASOURCE;
  query: string;
  definition: string;
  refresh: 1 | 2;
  multi: boolean;
  includeAll: boolean;
  sort: 1;
  current: { text: string; value: string };
  options: [];
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: string;
  editable: boolean;
  graphTooltip: 1;
  schemaVersion: 41;
  version: 1;
  refresh: string;
  time: { from: string; to: string };
  annotations: { list: [] };
  templating: { list: Variable[] };
  panels: Panel[];
}

export function target(query: string, resultFormat: Target["resultFormat"] = "time_series", alias?: string, refId = "A"): Target {
  return { refId, datasource: DATASOURCE, rawQuery: true, resultFormat, query, ...(alias && { alias }) };
}

export function variable(name: string, label: string, query: string, multi = true): Variable {
  return {
    type: "query",
    name,
    label,
    datasource: DATASOURCE,
    query,
    definition: query,
    refresh: 1,
    multi,
    includeAll: multi,
    sort: 1,
    current: multi ? { text: "All", value: "$__all" } : { text: "", value: "" },
    options: [],
  };
}

/** Threshold steps: the first step's value is null (from minus infinity). */
export function thresholds(steps: { value: number | null; color: string }[]) {
  return { mode: "absolute", steps };
}

export interface PanelSpec {
  title: string;
  description?: string;
  gridPos: GridPos;
  targets: Target[];
  options?: Record<string, unknown>;
  defaults?: Record<string, unknown>;
  overrides?: unknown[];
  transformations?: Panel["transformations"];
}

function panel(type: string, spec: PanelSpec, options: Record<string, unknown>): Omit<Panel, "id"> {
  return {
    type,
    title: spec.title,
    ...(spec.description && { description: spec.description }),
    gridPos: spec.gridPos,
    datasource: DATASOURCE,
    targets: spec.targets,
    options: { ...options, ...spec.options },
    fieldConfig: { defaults: spec.defaults ?? {}, overrides: spec.overrides ?? [] },
    ...(spec.transformations && { transformations: spec.transformations }),
  };
}

const legend = { showLegend: true, displayMode: "list", placement: "bottom", calcs: [] };
const tooltip = { mode: "multi", sort: "none" };

export const timeseries = (spec: PanelSpec) => panel("timeseries", spec, { legend, tooltip });
export const stat = (spec: PanelSpec) =>
  panel("stat", spec, {
    reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
    colorMode: "value",
    graphMode: "none",
    textMode: "auto",
    justifyMode: "auto",
    orientation: "auto",
  });
export const table = (spec: PanelSpec) => panel("table", spec, { showHeader: true, cellHeight: "sm" });
/**
 * Field defaults that draw the `state` of the `alert` measurement in colour with words for what it
 * means on the panel (e.g. raised → "fault"): red raised, orange acknowledged, green cleared, and
 * closed in `closedColour`.
 */
export const alertStateColours = (
  text: Record<"raised" | "acknowledged" | "cleared" | "closed", string>,
  closedColour = "green",
): Record<string, unknown> => ({
  mappings: [
    {
      type: "value",
      options: {
        raised: { color: "red", text: text.raised },
        acknowledged: { color: "orange", text: text.acknowledged },
        cleared: { color: "green", text: text.cleared },
        closed: { color: closedColour, text: text.closed },
      },
    },
  ],
});

export const stateTimeline = (spec: PanelSpec) =>
  panel("state-timeline", spec, {
    showValue: "auto",
    rowHeight: 0.9,
    mergeValues: true,
    alignValue: "left",
    legend,
    tooltip: { mode: "single", sort: "none" },
  });

/** A Geomap centred on the province, with the given layers (markers from lat/lon, GeoJSON overlays). */
export const geomap = (spec: PanelSpec, view: { lat: number; lon: number; zoom: number }, layers: Record<string, unknown>[]) =>
  panel("geomap", spec, {
    view: { id: "coords", lat: view.lat, lon: view.lon, zoom: view.zoom },
    controls: { showZoom: true, mouseWheelZoom: true, showAttribution: true },
    basemap: { type: "default", name: "Basemap" },
    tooltip: { mode: "details" },
    layers,
  });

/** Numbers panels in order and assembles a dashboard. */
export function dashboard(spec: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  refresh?: string;
  from?: string;
  variables?: Variable[];
  panels: Omit<Panel, "id">[];
}): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    timezone: "Asia/Ho_Chi_Minh",
    editable: false,
    graphTooltip: 1,
    schemaVersion: 41,
    version: 1,
    refresh: spec.refresh ?? "30s",
    time: { from: spec.from ?? "now-6h", to: "now" },
    annotations: { list: [] },
    templating: { list: spec.variables ?? [] },
    panels: spec.panels.map((p, i) => ({ id: i + 1, ...p })),
  };
}
