// Runs the configured adapters inside the hub: starts and stops them, publishes each one's status
// (retained, on ioc/v1/devices/{adapterId}/status, on every state change and every statusEveryMs),
// exposes it to /metrics and GET /api/v1/adapters, and raises a `system` alert `adapter-down` for
// an adapter not up for longer than its downAlertAfterMs (cleared when it is up again).
import { Counter, Gauge, type Registry } from "prom-client";
import type { AlertTransition } from "../alerts/alert-transition.js";
import { topics } from "../broker/topics.js";
import type { Logger } from "../hub/logger.js";
import type { DeadLetterLog } from "../ingest/dead-letter.js";
import type { AdapterConfig } from "./adapter-config.js";
import type { AdapterState, AdapterStatus, AdapterStatusDoc } from "./adapter-status.js";
import { type Adapter, createAdapter } from "./create-adapter.js";
import type { IngestTarget } from "./ingest-target.js";
import type { SupervisorOptions } from "./supervisor.js";

export interface AdapterManagerDeps {
  target: IngestTarget;
  log: Logger;
  registry: Registry;
  deadLetter?: DeadLetterLog;
  publish?: (topic: string, payload: string, retain: boolean) => Promise<void>;
  alert?: (transition: AlertTransition) => void;
  supervisor?: SupervisorOptions;
  statusEveryMs?: number;
  checkEveryMs?: number;
}

const STATES: AdapterState[] = ["connecting", "up", "down", "stopped"];
const COUNTERS = [
  ["bytes", "ioc_adapter_bytes_total", "Bytes read by each adapter"],
  ["lines", "ioc_adapter_lines_total", "Lines (or Modbus register blocks) each adapter handed to ingest"],
  ["overlong", "ioc_adapter_overlong_lines_total", "Lines longer than maxLineBytes, dropped"],
  ["garbage", "ioc_adapter_garbage_lines_total", "Lines that carried noise (control bytes, bad UTF-8, junk before an NMEA start)"],
  ["torn", "ioc_adapter_torn_lines_total", "Unfinished lines lost when a connection ended"],
  ["reconnects", "ioc_adapter_reconnects_total", "Times an adapter came up again after a loss"],
] as const;

export class AdapterManager {
  private readonly adapters = new Map<string, { adapter: Adapter; config: AdapterConfig }>();
  private readonly alerted = new Set<string>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    configs: readonly AdapterConfig[],
    private readonly deps: AdapterManagerDeps,
  ) {
    for (const config of configs) {
      if (!config.enabled) continue;
      const adapter = createAdapter(config, deps.target, deps.log, deps.deadLetter, deps.supervisor);
      adapter.status.onChange((status) => this.publish(status));
      this.adapters.set(config.id, { adapter, config });
    }
    this.registerMetrics(deps.registry);
  }

  start(): void {
    for (const { adapter } of this.adapters.values()) adapter.start();
    this.timers = [
      setInterval(() => this.checkDown(), this.deps.checkEveryMs ?? 1000),
      setInterval(() => {
        for (const { adapter } of this.adapters.values()) this.publish(adapter.status);
      }, this.deps.statusEveryMs ?? 30_000),
    ];
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.adapters.values()].map(({ adapter }) => adapter.stop()));
  }

  /** The live status objects (for the hub's self-metrics). */
  statusObjects(): AdapterStatus[] {
    return [...this.adapters.values()].map(({ adapter }) => adapter.status);
  }

  statuses(): AdapterStatusDoc[] {
    return [...this.adapters.values()].map(({ adapter }) => adapter.status.doc());
  }

  private publish(status: AdapterStatus): void {
    this.deps
      .publish?.(topics.deviceStatus(status.adapter), JSON.stringify(status.doc()), true)
      .catch((error) => this.deps.log.warn({ err: error, adapter: status.adapter }, "could not publish an adapter status"));
  }

  /** Raises `adapter-down` past downAlertAfterMs of outage; clears it when the adapter is up again. */
  checkDown(now = Date.now()): void {
    for (const { adapter, config } of this.adapters.values()) {
      const status = adapter.status;
      const since = status.downSinceMs();
      const base = { rule: "adapter-down", domain: "system", kind: "system", subject: config.id, timeMs: now } as const;
      if (since !== undefined && now - since >= config.downAlertAfterMs && !this.alerted.has(config.id)) {
        this.alerted.add(config.id);
        const minutes = Math.round((now - since) / 60_000);
        this.deps.alert?.({
          ...base,
          severity: "warning",
          state: "raised",
          message: `adapter ${config.id} (${status.address}) has not been up for ${minutes} min${status.lastError ? `: ${status.lastError}` : ""}`,
        });
      } else if (status.state === "up" && this.alerted.has(config.id)) {
        this.alerted.delete(config.id);
        this.deps.alert?.({
          ...base,
          severity: "warning",
          state: "cleared",
          message: `adapter ${config.id} (${status.address}) is up again`,
        });
      }
    }
  }

  private registerMetrics(registry: Registry): void {
    const statuses = () => [...this.adapters.values()].map(({ adapter }) => adapter.status);
    new Gauge({
      name: "ioc_adapter_state",
      help: "1 for each adapter's current state (connecting, up, down, stopped)",
      labelNames: ["adapter", "type", "state"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses())
          for (const state of STATES) this.set({ adapter: s.adapter, type: s.type, state }, s.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: "ioc_adapter_queued_lines",
      help: "Lines waiting in each adapter's queue",
      labelNames: ["adapter"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) this.set({ adapter: s.adapter }, s.queued);
      },
    });
    for (const [key, name, help] of COUNTERS) {
      new Counter({
        name,
        help,
        labelNames: ["adapter"],
        registers: [registry],
        collect() {
          this.reset();
          for (const s of statuses()) this.inc({ adapter: s.adapter }, s.counters[key]);
        },
      });
    }
    new Counter({
      name: "ioc_adapter_dropped_lines_total",
      help: "Lines an adapter dropped: queue_full (source faster than ingest), spool_full (the hub refused them)",
      labelNames: ["adapter", "reason"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) {
          this.inc({ adapter: s.adapter, reason: "queue_full" }, s.counters.droppedQueueFull);
          this.inc({ adapter: s.adapter, reason: "spool_full" }, s.counters.droppedSpoolFull);
        }
      },
    });
    new Counter({
      name: "ioc_adapter_down_seconds_total",
      help: "Seconds each adapter spent not up after it first came up (the gaps)",
      labelNames: ["adapter"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) this.inc({ adapter: s.adapter }, s.counters.downMs / 1000);
      },
    });
    new Counter({
      name: "ioc_modbus_reads_total",
      help: "Successful Modbus register reads",
      labelNames: ["adapter"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) if (s.type === "modbus-rtu") this.inc({ adapter: s.adapter }, s.counters.modbusReads);
      },
    });
    new Counter({
      name: "ioc_modbus_errors_total",
      help: "Failed Modbus reads by slave unit id and kind (timeout, crc, exception, other)",
      labelNames: ["adapter", "unit", "kind"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of statuses()) {
          for (const [key, n] of Object.entries(s.counters.modbusErrors)) {
            const [unit, kind] = key.split(":") as [string, string];
            this.inc({ adapter: s.adapter, unit, kind }, n);
          }
        }
      },
    });
  }
}
