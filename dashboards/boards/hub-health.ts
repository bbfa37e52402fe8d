// Hub health: ingest rate by transport, rejects by reason, spool depth and age, InfluxDB write
// latency, connected clients — from the hub's own `hub` measurement (cumulative counters, so rates
// are non_negative_derivative) — the state of each serial, UDP, TCP and Modbus adapter, and the
// outages of the feeds the hub depends on (the `system` alerts).
import { alertStateColours, dashboard, stat, stateTimeline, table, target, thresholds, timeseries } from "../dashboard-model.js";

const rate = (field: string) => `non_negative_derivative(last("${field}"), 1s)`;

export const hubHealthBoard = dashboard({
  uid: "ioc-hub-health",
  title: "Hub health",
  description:
    "Is the hub taking data in and getting it into InfluxDB: ingest and reject rates, spool backlog, write latency, connected clients, adapters.",
  tags: ["ioc", "operations"],
  refresh: "10s",
  from: "now-1h",
  panels: [
    timeseries({
      title: "Ingest rate by transport (messages/s)",
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      targets: [
        target(
          `SELECT ${rate("received_mqtt")} AS "mqtt", ${rate("received_websocket")} AS "websocket", ${rate("received_http")} AS "http", ${rate("received_serial")} AS "serial", ${rate("received_udp")} AS "udp", ${rate("received_tcp")} AS "tcp" FROM "hub" WHERE "stage" = 'ingest' AND $timeFilter GROUP BY time($__interval) fill(null)`,
        ),
      ],
      defaults: { unit: "reqps" },
    }),
    timeseries({
      title: "Rejected messages by reason (/s)",
      gridPos: { x: 12, y: 0, w: 12, h: 8 },
      targets: [
        target(
          'SELECT non_negative_derivative(last(/^rejected_/), 1s) FROM "hub" WHERE "stage" = \'ingest\' AND $timeFilter GROUP BY time($__interval) fill(null)',
        ),
      ],
      defaults: { unit: "reqps" },
    }),
    timeseries({
      title: "Spool depth (points) and age of the oldest point (s)",
      gridPos: { x: 0, y: 8, w: 12, h: 8 },
      targets: [
        target(
          'SELECT last("depth_points") AS "points", last("oldest_age_s") AS "oldest age" FROM "hub" WHERE "stage" = \'spool\' AND $timeFilter GROUP BY time($__interval) fill(previous)',
        ),
      ],
      overrides: [
        {
          matcher: { id: "byName", options: "oldest age" },
          properties: [
            { id: "unit", value: "s" },
            { id: "custom.axisPlacement", value: "right" },
          ],
        },
      ],
    }),
    timeseries({
      title: "InfluxDB write latency (mean per batch)",
      gridPos: { x: 12, y: 8, w: 12, h: 8 },
      targets: [
        target(
          'SELECT non_negative_derivative(last("write_seconds_sum"), 1s) / non_negative_derivative(last("write_count"), 1s) AS "latency" FROM "hub" WHERE "stage" = \'influx\' AND $timeFilter GROUP BY time($__interval) fill(null)',
        ),
      ],
      defaults: { unit: "s" },
    }),
    stat({
      title: "Connected clients",
      gridPos: { x: 0, y: 16, w: 6, h: 5 },
      targets: [target('SELECT last("connected_clients") FROM "hub" WHERE "stage" = \'broker\' AND $timeFilter')],
    }),
    stat({
      title: "Points waiting in the spool",
      gridPos: { x: 6, y: 16, w: 6, h: 5 },
      targets: [target('SELECT last("depth_points") FROM "hub" WHERE "stage" = \'spool\' AND $timeFilter')],
      defaults: {
        thresholds: thresholds([
          { value: null, color: "green" },
          { value: 10000, color: "orange" },
          { value: 1000000, color: "red" },
        ]),
      },
    }),
    stat({
      title: "InfluxDB write errors",
      gridPos: { x: 12, y: 16, w: 6, h: 5 },
      targets: [target('SELECT last("write_errors") FROM "hub" WHERE "stage" = \'influx\' AND $timeFilter')],
      defaults: {
        thresholds: thresholds([
          { value: null, color: "green" },
          { value: 1, color: "red" },
        ]),
      },
    }),
    stat({
      title: "Authentication failures",
      gridPos: { x: 18, y: 16, w: 6, h: 5 },
      targets: [target('SELECT last("auth_failures") FROM "hub" WHERE "stage" = \'broker\' AND $timeFilter')],
    }),
    table({
      title: "Adapters (serial, UDP, TCP, Modbus)",
      description:
        "State and counters of each adapter, as last reported; `garbage` counts noisy and overlong lines, `dropped` lines lost to a full queue or spool.",
      gridPos: { x: 0, y: 21, w: 24, h: 7 },
      targets: [
        target(
          'SELECT last("state") AS "state", last("last_error") AS "last_error", last("lines") AS "lines", last("garbage") AS "garbage", last("dropped") AS "dropped", last("reconnects") AS "reconnects", last("down_seconds") AS "down_seconds", last("modbus_errors") AS "modbus_errors" FROM "hub" WHERE "stage" = \'adapter\' AND $timeFilter GROUP BY "adapter", "type"',
          "table",
        ),
      ],
    }),
    stateTimeline({
      title: "Feed outages (AIS receivers, VMS providers, station gateways, adapters)",
      description:
        "The system alerts: a provider or gateway whose vessels or stations all fell silent together, an adapter down. While a feed is out, its vessels' and stations' own alerts wait for it.",
      gridPos: { x: 0, y: 28, w: 24, h: 7 },
      targets: [
        target(
          'SELECT "state" FROM "alert" WHERE "domain" = \'system\' AND $timeFilter GROUP BY "subject", "rule"',
          "time_series",
          "$tag_subject $tag_rule",
        ),
      ],
      defaults: alertStateColours({ raised: "down", acknowledged: "down, acknowledged", cleared: "up", closed: "up" }),
    }),
  ],
});
