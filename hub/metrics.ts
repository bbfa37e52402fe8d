// Prometheus metrics of the hub. Labels are low-cardinality: reason codes, stages, transports.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * A counter with one label for the per-message hot path: increments are plain additions to a Map,
 * copied into the prom-client counter when it is scraped (prom-client hashes and validates labels
 * on every inc, which costs more than the rest of a small message's bookkeeping).
 */
export class HotCounter {
  private readonly totals = new Map<string, number>();

  constructor(registry: Registry, name: string, help: string, label: string) {
    const totals = this.totals;
    new Counter({
      name,
      help,
      labelNames: [label],
      registers: [registry],
      collect() {
        this.reset();
        for (const [value, total] of totals) this.inc({ [label]: value }, total);
      },
    });
  }

  inc(labelValue: string, by = 1): void {
    this.totals.set(labelValue, (this.totals.get(labelValue) ?? 0) + by);
  }

  get(labelValue: string): number {
    return this.totals.get(labelValue) ?? 0;
  }

  entries(): IterableIterator<[string, number]> {
    return this.totals.entries();
  }
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly messagesReceived = new HotCounter(
    this.registry,
    "ioc_messages_received_total",
    "Messages that reached the ingest pipeline, by transport",
    "via",
  );
  readonly messagesAccepted = new HotCounter(
    this.registry,
    "ioc_messages_accepted_total",
    "Messages with at least one accepted observation",
    "via",
  );
  readonly messagesRejected = new HotCounter(
    this.registry,
    "ioc_messages_rejected_total",
    "Rejections (whole messages or batch elements), by reason code",
    "reason",
  );
  readonly observationsAccepted = new HotCounter(
    this.registry,
    "ioc_observations_accepted_total",
    "Observations written to the spool",
    "type",
  );
  readonly authFailures = new Counter({
    name: "ioc_auth_failures_total",
    help: "Refused MQTT connects, publishes and subscribes, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly connectedClients = new Gauge({
    name: "ioc_mqtt_connected_clients",
    help: "MQTT clients connected now",
    registers: [this.registry],
  });
  /** Reads put off by the embedded broker's read budget so far (set by the broker; 0 without one). */
  readsDeferredSource: () => number = () => 0;
  readonly mqttReadsDeferred = (() => {
    const metrics = this;
    return new Counter({
      name: "ioc_mqtt_reads_deferred_total",
      help: "Reads of MQTT connections put off to the end of an event-loop phase by the broker's read budget (the broker reads as fast as it commits)",
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(metrics.readsDeferredSource());
      },
    });
  })();
  readonly ingestWaiting = new Gauge({
    name: "ioc_ingest_waiting_messages",
    help: "Messages received and waiting for their turn in the ingest pipeline (past a turn's time budget)",
    registers: [this.registry],
  });
  readonly spoolBytes = new Gauge({
    name: "ioc_spool_depth_bytes",
    help: "Bytes in the spool not yet acknowledged by InfluxDB",
    registers: [this.registry],
  });
  readonly spoolPoints = new Gauge({
    name: "ioc_spool_depth_points",
    help: "Points in the spool not yet acknowledged by InfluxDB",
    registers: [this.registry],
  });
  readonly spoolAge = new Gauge({
    name: "ioc_spool_oldest_age_seconds",
    help: "Age of the oldest point not yet acknowledged by InfluxDB",
    registers: [this.registry],
  });
  readonly spoolFsync = new Histogram({
    name: "ioc_spool_commit_seconds",
    help: "Group commit (write + fdatasync) duration",
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly influxWriteDuration = new Histogram({
    name: "ioc_influx_write_seconds",
    help: "InfluxDB /write request duration",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly influxPointsWritten = new Counter({
    name: "ioc_influx_points_written_total",
    help: "Points acknowledged by InfluxDB",
    registers: [this.registry],
  });
  readonly influxWriteErrors = new Counter({
    name: "ioc_influx_write_errors_total",
    help: "Failed InfluxDB writes, by kind (network, status code)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: "ioc_dead_letters_total",
    help: "Records written to the dead-letter log, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly partitionObservations = new Counter({
    name: "ioc_rule_partition_observations_total",
    help: "Observations handed between instances for their rules: forwarded (to another partition's owner), applied (received as owner), refused (unreadable)",
    labelNames: ["direction"] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "ioc_process_" });
  }
}
