// The hub's own counters as the `hub` measurement in InfluxDB (DESIGN.md §3: tag `stage`, counters
// and gauges as fields), so the hub-health dashboard needs nothing but InfluxDB. The points go
// through the spool like any observation. Counters are cumulative since start (use non_negative_derivative).
import { Point } from "@influxdata/influxdb-client";
import { msTime } from "../ingest/sink/line-protocol.js";
import type { SpoolStats } from "../ingest/sink/spool.js";
import type { HubMetrics } from "./metrics.js";

/** Sum of a prom-client counter over its labels. */
async function total(counter: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

export async function hubMetricLines(metrics: HubMetrics, spool: SpoolStats, connectedClients: number, timeMs: number): Promise<string[]> {
  const ingest = new Point("hub").tag("stage", "ingest").timestamp(timeMs);
  let received = 0;
  let rejected = 0;
  for (const via of ["mqtt", "websocket", "http", "serial", "udp", "tcp", "file"]) {
    const n = metrics.messagesReceived.get(via);
    received += n;
    if (n > 0) ingest.floatField(`received_${via}`, n);
  }
  for (const [reason, n] of metrics.messagesRejected.entries()) {
    rejected += n;
    ingest.floatField(`rejected_${reason}`, n);
  }
  let accepted = 0;
  for (const [, n] of metrics.messagesAccepted.entries()) accepted += n;
  ingest.floatField("received", received).floatField("accepted", accepted).floatField("rejected", rejected);
  let observations = 0;
  for (const [, n] of metrics.observationsAccepted.entries()) observations += n;
  ingest.floatField("observations", observations);

  const spoolPoint = new Point("hub")
    .tag("stage", "spool")
    .floatField("depth_points", spool.points)
    .floatField("depth_bytes", spool.bytes)
    .floatField("oldest_age_s", spool.oldestAgeMs / 1000)
    .floatField("dropped_points", spool.droppedPoints)
    .timestamp(timeMs);

  const influx = new Point("hub").tag("stage", "influx").timestamp(timeMs);
  influx.floatField("written", await total(metrics.influxPointsWritten));
  influx.floatField("write_errors", await total(metrics.influxWriteErrors));
  const histogram = (await metrics.influxWriteDuration.get()).values;
  const sum = histogram.find((v) => v.metricName === "ioc_influx_write_seconds_sum")?.value ?? 0;
  const count = histogram.find((v) => v.metricName === "ioc_influx_write_seconds_count")?.value ?? 0;
  influx.floatField("write_seconds_sum", sum).floatField("write_count", count);

  const broker = new Point("hub")
    .tag("stage", "broker")
    .floatField("connected_clients", connectedClients)
    .floatField("auth_failures", await total(metrics.authFailures))
    .timestamp(timeMs);

  return [ingest, spoolPoint, influx, broker].map((p) => p.toLineProtocol(msTime) as string);
}
