// An adapter's status as a point of the hub's own `hub` measurement (stage=adapter, tagged with the
// adapter id and type), written with the other self-metrics so the hub-health board shows adapters
// from InfluxDB alone. Counters are cumulative since the hub started.
import { Point } from "@influxdata/influxdb-client";
import { msTime } from "../ingest/sink/line-protocol.js";
import type { AdapterStatus } from "./adapter-status.js";

export function adapterStatusLine(status: AdapterStatus, timeMs: number): string {
  const c = status.counters;
  const modbusErrors = Object.values(c.modbusErrors).reduce((a, b) => a + b, 0);
  return new Point("hub")
    .tag("stage", "adapter")
    .tag("adapter", status.adapter)
    .tag("type", status.type)
    .stringField("state", status.state)
    .floatField("up", status.state === "up" ? 1 : 0)
    .stringField("last_error", status.lastError ?? "")
    .floatField("lines", c.lines)
    .floatField("bytes", c.bytes)
    .floatField("garbage", c.garbage + c.overlong)
    .floatField("dropped", c.droppedQueueFull + c.droppedSpoolFull)
    .floatField("reconnects", c.reconnects)
    .floatField("down_seconds", c.downMs / 1000)
    .floatField("modbus_errors", modbusErrors)
    .timestamp(timeMs)
    .toLineProtocol(msTime) as string;
}
