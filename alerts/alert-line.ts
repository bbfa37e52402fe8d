// The `alert` measurement (DESIGN.md §3): one point per alert event, for the dashboards (open alerts,
// state timeline, time to acknowledge). Tags rule, domain, severity, subject; fields state (the
// alert's state after the event), event, alert_id, seq, message, actor, and where known value,
// threshold, lat/lon, zone, detail, kind, and ack_seconds on acknowledgements.
import { Point } from "@influxdata/influxdb-client";
import { msTime } from "../ingest/sink/line-protocol.js";
import type { AlertEvent } from "./alert-store.js";

export function alertEventLine(event: AlertEvent): string {
  const a = event.alert;
  const point = new Point("alert")
    .tag("rule", a.rule)
    .tag("domain", a.domain)
    .tag("severity", a.severity)
    .tag("subject", a.subject)
    .stringField("state", a.state)
    .stringField("event", event.type)
    .intField("alert_id", a.id)
    .intField("seq", event.seq)
    .stringField("message", a.message.replace(/[\r\n]+/g, " "))
    .stringField("actor", event.actor)
    .timestamp(Date.parse(event.at));
  if (a.value !== undefined) point.floatField("value", a.value);
  if (a.threshold !== undefined) point.floatField("threshold", a.threshold);
  if (a.position) point.floatField("lat", a.position.lat).floatField("lon", a.position.lon);
  if (a.zone !== undefined) point.stringField("zone", a.zone);
  if (a.detail !== undefined) point.stringField("detail", a.detail);
  if (a.kind !== undefined) point.stringField("kind", a.kind);
  // Time to acknowledge, for the operators' board (InfluxQL cannot pair a raise with its ack).
  if (event.type === "acknowledged") point.floatField("ack_seconds", Math.max(0, (Date.parse(event.at) - Date.parse(a.raisedAt)) / 1000));
  return point.toLineProtocol(msTime) as string;
}
