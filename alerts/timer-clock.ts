// What a timer rule (station offline, vessel going dark) knows of time: the hub's clock, and the
// hub's own downtime. Silence the hub could not have heard, because it was itself down, is not the
// station's or the vessel's: a hub restarted after an hour's maintenance would otherwise raise
// "offline" for every station and "going dark" for every vessel at its first timer round.
// A downtime counts against a subject's silence only if it began after the subject was last heard:
// data from inside a downtime that reached the hub later (a VMS provider's buffer, a replayed log)
// shows that its source was listening then, so that silence is the subject's own.

/** The hub's own downtime (hub/downtime-log.ts). */
export interface Downtime {
  /** Milliseconds of `[lastHeardMs, nowMs]` the hub was down, in periods that began after `lastHeardMs`. */
  downSince(lastHeardMs: number, nowMs: number): number;
}

export interface TimerClock {
  /** The hub's clock, Unix ms. */
  readonly nowMs: number;
  /** Milliseconds since `lastHeardMs` the hub itself was down (see Downtime). */
  downSince(lastHeardMs: number): number;
}

export interface DowntimePeriod {
  fromMs: number;
  toMs: number;
}

/** The Downtime of a list of periods the hub was down. */
export function downtimeIn(periods: readonly DowntimePeriod[]): Downtime {
  return {
    downSince(lastHeardMs, nowMs) {
      let down = 0;
      for (const p of periods) {
        if (p.fromMs < lastHeardMs) continue; // heard during or after it: its source was listening
        down += Math.max(0, Math.min(p.toMs, nowMs) - p.fromMs);
      }
      return down;
    },
  };
}

const noDowntime: Downtime = { downSince: () => 0 };

export function timerClock(nowMs: number, downtime: Downtime = noDowntime): TimerClock {
  return { nowMs, downSince: (lastHeardMs) => downtime.downSince(lastHeardMs, nowMs) };
}

/** Silence since `lastHeardMs` that the hub was up to hear, ms: what timer rules compare with their limits. */
export function heardSilenceMs(clock: TimerClock, lastHeardMs: number): number {
  return clock.nowMs - lastHeardMs - clock.downSince(lastHeardMs);
}
