// Air and water quality (environment department): stations coloured by their current VN_AQI
// category, pollutant series with the AQI category bands drawn from the hub's own breakpoint
// tables, daily AQI, water parameters with VN_WQI, and station health.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../hub/package-root.js";
import {
  alertStateColours,
  dashboard,
  geomap,
  stateTimeline,
  table,
  target,
  thresholds,
  timeseries,
  variable,
} from "../dashboard-model.js";

interface VnTable {
  indexBreakpoints: number[];
  concentrationBreakpoints: Record<string, number[]>;
  categories: { min: number; colour: string; vi: string; en: string }[];
}
interface WqiTable {
  categories: { min: number; colour: string }[];
}
const vn = JSON.parse(readFileSync(join(packageRoot, "alerts", "indices", "vn-aqi-1459.json"), "utf8")) as VnTable;
const wqi = JSON.parse(readFileSync(join(packageRoot, "alerts", "indices", "vn-wqi-1460.json"), "utf8")) as WqiTable;

/** VN_AQI category colours as threshold steps on the index. */
const aqiSteps = thresholds(vn.categories.map((c, i) => ({ value: i === 0 ? null : c.min, color: c.colour })));
/** The same bands in concentration units of a pollutant (the breakpoints where each category starts). */
function concentrationSteps(key: string) {
  const bps = vn.concentrationBreakpoints[key] ?? [];
  return thresholds(
    vn.categories.slice(0, bps.length - 1).map((c, i) => ({ value: i === 0 ? null : (bps[i] as number), color: c.colour })),
  );
}
const wqiSteps = thresholds(
  [...wqi.categories].sort((a, b) => a.min - b.min).map((c, i) => ({ value: i === 0 ? null : c.min, color: c.colour })),
);

const HUE = { lat: 16.45, lon: 107.65, zoom: 9 };
const stationFilter = '"station" =~ /^$station$/';

function pollutantPanel(field: string, title: string, y: number, x: number) {
  return timeseries({
    title,
    description: "Bands: the VN_AQI categories in concentration (Decision 1459/QĐ-TCMT).",
    gridPos: { x, y, w: 8, h: 8 },
    targets: [
      target(
        `SELECT mean("${field}") FROM "env_reading" WHERE ${stationFilter} AND $timeFilter GROUP BY time($__interval), "station" fill(null)`,
        "time_series",
        "$tag_station",
      ),
    ],
    defaults: { unit: "conμgm3", thresholds: concentrationSteps(`${field}/1h`), custom: { thresholdsStyle: { mode: "area" } } },
  });
}

export const environmentBoard = dashboard({
  uid: "ioc-environment",
  title: "Air and water quality",
  description:
    "VN_AQI and US AQI per air station, VN_WQI per water station, pollutant series with the category bands, and station health (offline, flat-line, out of range) told apart from pollution.",
  tags: ["ioc", "environment"],
  from: "now-24h",
  variables: [
    variable("station", "Air station", 'SHOW TAG VALUES FROM "env_reading" WITH KEY = "station" WHERE "kind" = \'air\''),
    variable("water_station", "Water station", 'SHOW TAG VALUES FROM "env_reading" WITH KEY = "station" WHERE "kind" = \'water\''),
  ],
  panels: [
    geomap(
      {
        title: "Stations by current VN_AQI",
        description: "Station sites from the gazetteer public/maps/ioc-stations.geojson (mounted by docker-compose).",
        gridPos: { x: 0, y: 0, w: 10, h: 12 },
        targets: [
          target(
            'SELECT last("value") AS "vn_aqi" FROM "env_index" WHERE "index" = \'vn_aqi\' AND "period" = \'1h\' AND $timeFilter GROUP BY "station"',
            "table",
          ),
        ],
        defaults: { thresholds: aqiSteps, color: { mode: "thresholds" } },
      },
      HUE,
      [
        {
          type: "markers",
          name: "Stations",
          tooltip: true,
          location: { mode: "lookup", lookup: "station", gazetteer: "public/maps/ioc-stations.geojson" },
          config: {
            showLegend: true,
            style: {
              size: { fixed: 10 },
              color: { field: "vn_aqi", fixed: "green" },
              opacity: 0.9,
              text: { field: "station", mode: "field", fixed: "" },
            },
          },
        },
      ],
    ),
    timeseries({
      title: "Hourly VN_AQI",
      gridPos: { x: 10, y: 0, w: 14, h: 12 },
      targets: [
        target(
          'SELECT last("value") FROM "env_index" WHERE "index" = \'vn_aqi\' AND "period" = \'1h\' AND "station" =~ /^$station$/ AND $timeFilter GROUP BY time($__interval), "station" fill(null)',
          "time_series",
          "$tag_station",
        ),
      ],
      defaults: { min: 0, thresholds: aqiSteps, custom: { thresholdsStyle: { mode: "area" } } },
    }),
    pollutantPanel("pm25", "PM2.5 (µg/m³)", 12, 0),
    pollutantPanel("pm10", "PM10 (µg/m³)", 12, 8),
    pollutantPanel("o3", "O₃ (µg/m³)", 12, 16),
    table({
      title: "Daily AQI",
      description: "Daily VN_AQI and US AQI per station (24-hour PM means, the day's highest gas values).",
      gridPos: { x: 0, y: 20, w: 12, h: 8 },
      targets: [
        target(
          'SELECT last("value") AS "aqi", last("category") AS "category", last("dominant") AS "dominant" FROM "env_index" WHERE "period" = \'24h\' AND $timeFilter GROUP BY "station", "index"',
          "table",
        ),
      ],
      defaults: { thresholds: aqiSteps },
    }),
    timeseries({
      title: "VN_WQI",
      gridPos: { x: 12, y: 20, w: 12, h: 8 },
      targets: [
        target(
          'SELECT last("value") FROM "env_index" WHERE "index" = \'vn_wqi\' AND "station" =~ /^$water_station$/ AND $timeFilter GROUP BY time($__interval), "station" fill(null)',
          "time_series",
          "$tag_station",
        ),
      ],
      defaults: { min: 0, max: 100, thresholds: wqiSteps, custom: { thresholdsStyle: { mode: "area" } } },
    }),
    timeseries({
      title: "Water: dissolved oxygen, pH, turbidity, salinity",
      gridPos: { x: 0, y: 28, w: 24, h: 8 },
      targets: [
        target(
          'SELECT mean("do") AS "do", mean("ph") AS "ph", mean("turbidity") AS "turbidity", mean("salinity") AS "salinity" FROM "env_reading" WHERE "station" =~ /^$water_station$/ AND $timeFilter GROUP BY time($__interval), "station" fill(null)',
          "time_series",
          "$tag_station $col",
        ),
      ],
    }),
    stateTimeline({
      title: "Station health (offline, feed outages, flat-line, out of range, clock)",
      description:
        "Sensor-health alerts only: a faulty sensor is not pollution. A feed outage (a gateway, an adapter or the stations' own connections all silent at once) stands for the offline alerts of its stations.",
      gridPos: { x: 0, y: 36, w: 24, h: 8 },
      targets: [
        target(
          'SELECT "state" FROM "alert" WHERE (("domain" = \'environment\' AND "kind" = \'sensor-health\') OR "rule" = \'feed-outage\') AND $timeFilter GROUP BY "subject", "rule"',
          "time_series",
          "$tag_subject $tag_rule",
        ),
      ],
      defaults: alertStateColours({ raised: "fault", acknowledged: "acknowledged", cleared: "ok", closed: "ok" }),
    }),
  ],
});
