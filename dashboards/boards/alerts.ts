// Alerts (operators): open alerts by domain and severity, a state timeline, mean time to
// acknowledge, and the rules and subjects that alert most.
import { alertStateColours, dashboard, stat, stateTimeline, table, target, thresholds, timeseries } from "../dashboard-model.js";

const openAlerts = (groupBy: string) =>
  `SELECT count("state") FROM (SELECT last("state") AS "state" FROM "alert" WHERE $timeFilter GROUP BY "rule", "subject", "domain", "severity") WHERE "state" = 'raised' OR "state" = 'acknowledged' GROUP BY ${groupBy}`;

export const alertsBoard = dashboard({
  uid: "ioc-alerts",
  title: "Alerts",
  description:
    "Open alerts by domain and severity, their state over time, time to acknowledge, and the rules and subjects that alert most.",
  tags: ["ioc", "operators"],
  from: "now-24h",
  panels: [
    stat({
      title: "Open alerts by domain",
      gridPos: { x: 0, y: 0, w: 12, h: 5 },
      targets: [target(openAlerts('"domain"'), "time_series", "$tag_domain")],
      defaults: {
        thresholds: thresholds([
          { value: null, color: "green" },
          { value: 1, color: "orange" },
        ]),
      },
    }),
    stat({
      title: "Open alerts by severity",
      gridPos: { x: 12, y: 0, w: 12, h: 5 },
      targets: [target(openAlerts('"severity"'), "time_series", "$tag_severity")],
      overrides: [
        { matcher: { id: "byName", options: "critical" }, properties: [{ id: "color", value: { mode: "fixed", fixedColor: "red" } }] },
        { matcher: { id: "byName", options: "warning" }, properties: [{ id: "color", value: { mode: "fixed", fixedColor: "orange" } }] },
      ],
    }),
    stateTimeline({
      title: "Alert states",
      gridPos: { x: 0, y: 5, w: 24, h: 10 },
      targets: [
        target('SELECT "state" FROM "alert" WHERE $timeFilter GROUP BY "rule", "subject"', "time_series", "$tag_rule $tag_subject"),
      ],
      defaults: alertStateColours({ raised: "raised", acknowledged: "acknowledged", cleared: "cleared", closed: "closed" }, "blue"),
    }),
    timeseries({
      title: "Mean time to acknowledge",
      gridPos: { x: 0, y: 15, w: 12, h: 8 },
      targets: [
        target(
          'SELECT mean("ack_seconds") FROM "alert" WHERE "event" = \'acknowledged\' AND $timeFilter GROUP BY time($__interval), "domain" fill(none)',
          "time_series",
          "$tag_domain",
        ),
      ],
      defaults: { unit: "s", custom: { drawStyle: "bars" } },
    }),
    table({
      title: "Top rules",
      gridPos: { x: 12, y: 15, w: 6, h: 8 },
      targets: [
        target('SELECT count("state") AS "raised" FROM "alert" WHERE "event" = \'raised\' AND $timeFilter GROUP BY "rule"', "table"),
      ],
      transformations: [{ id: "sortBy", options: { sort: [{ field: "raised", desc: true }] } }],
    }),
    table({
      title: "Top subjects",
      gridPos: { x: 18, y: 15, w: 6, h: 8 },
      targets: [
        target('SELECT count("state") AS "raised" FROM "alert" WHERE "event" = \'raised\' AND $timeFilter GROUP BY "subject"', "table"),
      ],
      transformations: [{ id: "sortBy", options: { sort: [{ field: "raised", desc: true }] } }],
    }),
  ],
});
