// The `env_index` measurement (DESIGN.md §3): tags station, index (vn_aqi | us_aqi | vn_wqi) and
// period (1h | 24h); fields value, category (its id: good, moderate, …) and dominant (pm25/1h, cod, …).
import { Point } from "@influxdata/influxdb-client";
import { msTime } from "../../ingest/sink/line-protocol.js";
import type { IndexValue } from "./station-indices.js";

export function envIndexLine(v: IndexValue): string {
  return new Point("env_index")
    .tag("station", v.station)
    .tag("index", v.index)
    .tag("period", v.period)
    .intField("value", v.value)
    .stringField("category", v.category.id)
    .stringField("dominant", v.dominant)
    .timestamp(v.timeMs)
    .toLineProtocol(msTime) as string;
}
