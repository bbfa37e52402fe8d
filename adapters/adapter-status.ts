// What an adapter is doing and what it has counted: published (retained) on
// ioc/v1/devices/{adapterId}/status, served at GET /api/v1/adapters and scraped into /metrics.

export type AdapterState = "connecting" | "up" | "down" | "stopped";

export interface AdapterCounters {
  /** Bytes read from the port or socket. */
  bytes: number;
  /** Lines (or Modbus register blocks) handed to the ingest pipeline. */
  lines: number;
  /** Lines longer than maxLineBytes, dropped. */
  overlong: number;
  /** Lines that carried noise (control bytes, bad UTF-8, text before an NMEA start). */
  garbage: number;
  /** Unfinished lines lost when the connection ended. */
  torn: number;
  /** Lines dropped because the queue was full (a source faster than ingest). */
  droppedQueueFull: number;
  /** Lines dropped because the hub's spool refused them (spool full). */
  droppedSpoolFull: number;
  /** Times the adapter reconnected after being up. */
  reconnects: number;
  /** Milliseconds spent not up since the adapter first came up (the gaps). */
  downMs: number;
  /** Modbus: failed reads by slave unit id and kind (timeout, crc, exception, other). */
  modbusErrors: Record<string, number>;
  modbusReads: number;
}

export interface AdapterStatusDoc {
  adapter: string;
  type: string;
  address: string;
  state: AdapterState;
  since: string;
  lastError?: string;
  lastErrorAt?: string;
  queued: number;
  counters: AdapterCounters;
}

export class AdapterStatus {
  state: AdapterState = "connecting";
  sinceMs: number;
  lastError: string | undefined;
  lastErrorAtMs: number | undefined;
  queued = 0;
  readonly counters: AdapterCounters = {
    bytes: 0,
    lines: 0,
    overlong: 0,
    garbage: 0,
    torn: 0,
    droppedQueueFull: 0,
    droppedSpoolFull: 0,
    reconnects: 0,
    downMs: 0,
    modbusErrors: {},
    modbusReads: 0,
  };
  private everUp = false;
  private readonly listeners: ((status: AdapterStatus) => void)[] = [];

  constructor(
    readonly adapter: string,
    readonly type: string,
    public address: string,
    private readonly now: () => number = Date.now,
  ) {
    this.sinceMs = now();
  }

  onChange(listener: (status: AdapterStatus) => void): void {
    this.listeners.push(listener);
  }

  set(state: AdapterState, error?: string): void {
    if (error !== undefined) {
      this.lastError = error;
      this.lastErrorAtMs = this.now();
    }
    if (state === this.state && error === undefined) return;
    const at = this.now();
    if (state === "up") {
      if (this.everUp && this.state !== "up") {
        this.counters.reconnects++;
        this.counters.downMs += at - this.sinceMs;
      }
      this.everUp = true;
    }
    // connecting → down (or down → connecting) keeps the start of the outage.
    const outageGoesOn = state !== "up" && this.state !== "up" && state !== "stopped";
    if (state !== this.state && !outageGoesOn) this.sinceMs = at;
    this.state = state;
    for (const listener of this.listeners) listener(this);
  }

  /** The start of the current outage, or undefined when up. */
  downSinceMs(): number | undefined {
    return this.state === "up" || this.state === "stopped" ? undefined : this.sinceMs;
  }

  countModbusError(unitId: number, kind: string): void {
    const key = `${unitId}:${kind}`;
    this.counters.modbusErrors[key] = (this.counters.modbusErrors[key] ?? 0) + 1;
  }

  doc(): AdapterStatusDoc {
    return {
      adapter: this.adapter,
      type: this.type,
      address: this.address,
      state: this.state,
      since: new Date(this.sinceMs).toISOString(),
      ...(this.lastError !== undefined && { lastError: this.lastError }),
      ...(this.lastErrorAtMs !== undefined && { lastErrorAt: new Date(this.lastErrorAtMs).toISOString() }),
      queued: this.queued,
      counters: { ...this.counters, modbusErrors: { ...this.counters.modbusErrors } },
    };
  }
}
