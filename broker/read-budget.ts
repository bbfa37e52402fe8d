// Bounds how many bytes the broker reads from its MQTT connections in one phase of the event loop.
// aedes reads everything a connection has buffered as soon as the connection's previous read is
// handled, so under load every connection is read in every turn. Each QoS 1 publish read then waits
// in the heap for its group commit (the PUBACK goes out only once it is on disk), and every
// scavenge on the way copies it with aedes' state for it. Past the budget, a connection's bytes stay
// in the kernel's socket buffer (where no collector copies them, and TCP flow control slows the
// sender) until the budget is renewed, at the end of the phase. Measured in the QoS 1 fan-in:
// a publish waited 13 ms (median) between its arrival and its PUBACK, and scavenges took 18 % of
// the wall time (3.2 MB copied each); with 16 KiB a phase, 4 ms and 8–10 %.
import type { Readable } from "node:stream";
import type { Client } from "aedes";

/** The aedes 1.x client internals its read step uses (lib/client.js, `nextBatch`). */
interface ClientInternals {
  conn: Readable;
  closed: boolean;
  _paused?: boolean;
  /** Packets of the last read still being handled (plus one while a read is pending). */
  _parsingBatch: number;
  _parser: { parse(buffer: Buffer): void };
  _nextBatch: (error?: Error | null) => void;
  emit(event: "error", error: Error): boolean;
}

/** Bytes read from all MQTT connections in one phase before the rest wait for the next. */
export const READ_BUDGET_BYTES = 16 * 1024;

export class ReadBudget {
  private used = 0;
  private renewQueued = false;
  /** Connections with bytes left unread for want of budget, in the order they asked. */
  private waiting = new Set<ClientInternals>();
  /** Reads put off to a later phase (for tests and tuning). */
  deferredReads = 0;

  constructor(private readonly bytesPerPhase: number = READ_BUDGET_BYTES) {}

  /** Puts the client's reads under this budget: call right after aedes.handle(). */
  attach(client: Client): void {
    const internals = client as unknown as ClientInternals;
    const original = internals._nextBatch;
    if (
      typeof original !== "function" ||
      typeof internals._parsingBatch !== "number" ||
      typeof internals._parser?.parse !== "function" ||
      !internals.conn?.listeners("readable").includes(original)
    ) {
      throw new Error("aedes client has no per-read batch to budget (aedes internals changed?)");
    }
    // aedes' nextBatch, but the read goes through the budget.
    const nextBatch = (error?: Error | null): void => {
      if (error) {
        internals.emit("error", error);
        return;
      }
      if (internals._paused) return;
      internals._parsingBatch--;
      if (internals._parsingBatch <= 0) {
        internals._parsingBatch = 0;
        this.read(internals);
      }
    };
    internals.conn.removeListener("readable", original);
    internals.conn.on("readable", nextBatch);
    internals._nextBatch = nextBatch;
  }

  private read(client: ClientInternals): void {
    if (this.used >= this.bytesPerPhase) {
      if (!this.waiting.has(client)) {
        this.waiting.add(client);
        this.deferredReads++;
      }
      this.queueRenewal();
      return;
    }
    const buffer = client.conn.read() as Buffer | null; // everything buffered, as aedes reads
    if (!buffer) return;
    this.used += buffer.length;
    this.queueRenewal();
    client._parser.parse(buffer);
  }

  private queueRenewal(): void {
    if (this.renewQueued) return;
    this.renewQueued = true;
    setImmediate(() => this.renew());
  }

  /** A new budget; the connections that waited are read first, in order. */
  private renew(): void {
    this.renewQueued = false;
    this.used = 0;
    const waited = this.waiting;
    this.waiting = new Set();
    for (const client of waited) {
      // A closed client is gone; a paused one reads when resumed; one handling a read asks again when done.
      if (client.closed || client._paused || client._parsingBatch !== 0) continue;
      this.read(client);
    }
  }
}
