// Keeps one adapter connected: open, run until the connection ends, wait (exponential backoff with
// full jitter, reset after a connection that stayed up), open again — until stopped. Every state
// change goes to the adapter's status; a repeated identical error (a receiver unplugged for hours)
// is logged once, not on every attempt.
import { setTimeout as sleep } from "node:timers/promises";
import { fullJitterDelayMs } from "../hub/backoff.js";
import type { Logger } from "../hub/logger.js";
import type { AdapterStatus } from "./adapter-status.js";

/** Opens, calls `up` once connected, resolves with why the connection ended; rejects if it could not open. */
export type Session = (signal: AbortSignal, up: () => void) => Promise<Error | undefined>;

export interface SupervisorOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** A connection up at least this long resets the backoff. */
  stableMs: number;
}

export const defaultSupervisorOptions: SupervisorOptions = { firstDelayMs: 500, maxDelayMs: 30_000, stableMs: 10_000 };

export class Supervisor {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly status: AdapterStatus,
    private readonly log: Logger,
    private readonly session: Session,
    private readonly options: SupervisorOptions = defaultSupervisorOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.status.set("stopped");
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    let attempt = 0;
    let lastLogged: string | undefined;
    while (!signal.aborted) {
      this.status.set("connecting");
      let upAt: number | undefined;
      let reason: string | undefined;
      try {
        const ended = await this.session(signal, () => {
          upAt = Date.now();
          this.status.set("up");
          this.log.info({ address: this.status.address, attempt }, "adapter up");
          lastLogged = undefined;
        });
        if (signal.aborted) break;
        reason = ended?.message ?? "the connection ended";
      } catch (error) {
        if (signal.aborted) break;
        reason = (error as Error).message;
      }
      this.status.set("down", reason);
      if (upAt !== undefined && Date.now() - upAt >= this.options.stableMs) attempt = 0;
      const delay = this.options.firstDelayMs + fullJitterDelayMs(attempt, this.options.firstDelayMs, this.options.maxDelayMs);
      attempt++;
      if (reason !== lastLogged) {
        this.log.warn({ address: this.status.address, error: reason, retryInMs: delay }, "adapter down");
        lastLogged = reason;
      } else {
        this.log.debug({ address: this.status.address, error: reason, retryInMs: delay }, "adapter still down");
      }
      await sleep(delay, undefined, { signal }).catch(() => undefined);
    }
  }
}
