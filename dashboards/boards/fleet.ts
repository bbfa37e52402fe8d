// Fleet at sea (fisheries officers): where every vessel is, which are dark or silent, open fisheries
// alerts, and the track of a chosen vessel.
import { dashboard, geomap, stat, table, target, thresholds, variable } from "../dashboard-model.js";

const HUE = { lat: 16.55, lon: 107.75, zoom: 8 };
/** The zones as an overlay: Grafana serves files under public/, where docker-compose mounts zones/. */
const zonesLayer = {
  type: "geojson",
  name: "Zones",
  config: { src: "public/maps/ioc-zones.geojson", rules: [], style: { color: { fixed: "blue" }, opacity: 0.2 } },
};

export const fleetBoard = dashboard({
  uid: "ioc-fleet",
  title: "Fleet at sea",
  description:
    "Every vessel of the province as one identity (AIS and VMS joined): latest positions, silent and dark vessels, open fisheries alerts, and the track of a chosen vessel.",
  tags: ["ioc", "fisheries"],
  // A day: a vessel silent for hours is still on the board, with its last fix.
  from: "now-24h",
  variables: [variable("vessel", "Vessel", 'SHOW TAG VALUES FROM "vessel_position" WITH KEY = "vessel"', false)],
  panels: [
    geomap(
      {
        title: "Latest position of every vessel",
        description: "Colour by source (AIS / VMS); tooltip: registration number, speed, last fix.",
        gridPos: { x: 0, y: 0, w: 16, h: 14 },
        targets: [
          target(
            'SELECT last("lat") AS "lat", last("lon") AS "lon", last("sog") AS "sog" FROM "vessel_position" WHERE $timeFilter GROUP BY "vessel", "source"',
            "table",
          ),
        ],
        defaults: { color: { mode: "fixed", fixedColor: "green" } },
      },
      HUE,
      [
        zonesLayer,
        {
          type: "markers",
          name: "Vessels",
          tooltip: true,
          location: { mode: "coords", latitude: "lat", longitude: "lon" },
          config: {
            showLegend: true,
            style: {
              size: { fixed: 6 },
              color: { field: "source", fixed: "green" },
              opacity: 0.8,
              text: { field: "vessel", mode: "field", fixed: "" },
            },
          },
        },
      ],
    ),
    stat({
      title: "Vessels heard in the last hour",
      gridPos: { x: 16, y: 0, w: 8, h: 4 },
      targets: [
        target(
          'SELECT count("last") FROM (SELECT last("lat") FROM "vessel_position" WHERE time > now() - 1h AND $timeFilter GROUP BY "vessel")',
        ),
      ],
      defaults: { unit: "none" },
    }),
    stat({
      title: "In port",
      description: "Vessels whose last port event is an arrival.",
      gridPos: { x: 16, y: 4, w: 4, h: 4 },
      targets: [
        target(
          'SELECT count("state") FROM (SELECT last("state") AS "state" FROM "alert" WHERE "rule" = \'port-events\' AND $timeFilter GROUP BY "subject") WHERE "state" = \'raised\' OR "state" = \'acknowledged\'',
        ),
      ],
    }),
    stat({
      title: "Dark at sea",
      description: "Vessels with an open going-dark alert.",
      gridPos: { x: 20, y: 4, w: 4, h: 4 },
      targets: [
        target(
          'SELECT count("state") FROM (SELECT last("state") AS "state" FROM "alert" WHERE "rule" = \'going-dark\' AND $timeFilter GROUP BY "subject") WHERE "state" = \'raised\' OR "state" = \'acknowledged\'',
        ),
      ],
      defaults: {
        thresholds: thresholds([
          { value: null, color: "green" },
          { value: 1, color: "red" },
        ]),
      },
    }),
    table({
      title: "Last fix of every vessel, longest silent first",
      // InfluxQL cannot filter groups on the age of their last point (an outer time condition is pushed
      // into the subquery: every vessel then "has" an old last fix), so the table lists every vessel's
      // last fix, oldest first; the going-dark alerts are the judgement of who is silent.
      description: "Each vessel's last position and time, the longest silent on top (the time column is the last fix).",
      gridPos: { x: 16, y: 8, w: 8, h: 6 },
      targets: [target('SELECT last("lat") AS "lat", "lon" FROM "vessel_position" WHERE $timeFilter GROUP BY "vessel"', "table")],
      transformations: [{ id: "sortBy", options: { sort: [{ field: "Time", desc: false }] } }],
    }),
    table({
      title: "Open fisheries alerts",
      gridPos: { x: 0, y: 14, w: 12, h: 8 },
      targets: [
        target(
          'SELECT "state", "message", "zone" FROM (SELECT last("state") AS "state", last("message") AS "message", last("zone") AS "zone" FROM "alert" WHERE "domain" = \'fisheries\' AND $timeFilter GROUP BY "rule", "subject", "severity") WHERE "state" = \'raised\' OR "state" = \'acknowledged\' GROUP BY "rule", "subject", "severity"',
          "table",
        ),
      ],
    }),
    geomap(
      {
        title: "Track of $vessel",
        gridPos: { x: 12, y: 14, w: 12, h: 8 },
        targets: [
          target('SELECT "lat", "lon", "sog", "source" FROM "vessel_position" WHERE "vessel" =~ /^$vessel$/ AND $timeFilter', "table"),
        ],
      },
      HUE,
      [
        zonesLayer,
        {
          type: "markers",
          name: "Track",
          tooltip: true,
          location: { mode: "coords", latitude: "lat", longitude: "lon" },
          config: { showLegend: false, style: { size: { fixed: 4 }, color: { fixed: "orange" }, opacity: 0.9 } },
        },
      ],
    ),
  ],
});
