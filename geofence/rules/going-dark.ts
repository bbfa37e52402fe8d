// Going dark: no position from a vessel at sea for longer than its reporting interval allows,
// evaluated on a timer, not counting time the hub itself was down (alerts/timer-clock.ts). The
// expected interval depends on the vessel's registered length (Decree 26/2019 Art. 44: every 2 h
// from 24 m, every 3 h from 15 m; vessels registered without a length, e.g. AIS-only, use
// `defaultIntervalHours`); it is late after `graceRatio` × the interval, and then
// escalates through `steps` (data: provinces use e.g. 6 h "lost connection", 1 day, 10 days "must
// return to port"). A vessel whose last fix was inside a port zone is not dark. The next position
// clears the alert.
// Transmitters the register does not know are not judged by default: a coastal AIS receiver hears
// every ship passing by, and a ship sailing out of its range falls silent without going dark, so
// each would raise a false alarm, and the escalation steps (the province's orders to its own
// fleet) mean nothing for them. `unregisteredTransmitters` judges them too, with the late warning only.
// Which provider (AIS receiver or VMS gateway) last heard the vessel is kept, so that a whole
// provider going silent is raised once as a system alert (dark-outage.ts) instead of per vessel.
import { vesselAlert } from "../../alerts/alert-transition.js";
import { type TimerClock, heardSilenceMs } from "../../alerts/timer-clock.js";
import { isUnregisteredVessel } from "../../ingest/vessel-id.js";
import type { VesselRule } from "./vessel-rule.js";

export interface GoingDarkConfig {
  /** Expected interval by registered length, longest first: the first whose `minLengthM` the vessel reaches. */
  intervals: { minLengthM: number; hours: number }[];
  defaultIntervalHours: number;
  graceRatio: number;
  steps: { afterHours: number; severity: "info" | "warning" | "critical"; label: string }[];
  /** Judge transmitters the register does not know too (the late warning only, after `defaultIntervalHours`). */
  unregisteredTransmitters: boolean;
}

export interface GoingDarkState {
  last?: { timeMs: number; lat: number; lon: number; inPort: boolean; provider: string };
  /** Index of the last step raised; -1 when not dark. */
  level: number;
  /** Set while a provider outage covers this vessel: its own alert waits for the outage to end. */
  outage?: string;
  /**
   * When the provider outage that covered this vessel ended (the arrival of the first fix relayed
   * after it): the vessel could not be heard while it lasted, so its silence counts from there. A
   * vessel that reports every 3 h may not report for 3 h after its provider is back.
   */
  excusedUntilMs?: number;
}

const HOUR = 3_600_000;

/** A provider is a receiver or gateway, or the feed itself when none was named (`ais`, `vms`). */
const heardBy = (provider: string) => (provider === "ais" || provider === "vms" ? { source: provider } : { receiver: provider });

/** How much of the silence was the hub's own downtime, for the message (the limits count without it). */
function downNote(clock: TimerClock, lastHeardMs: number): string {
  const downH = clock.downSince(lastHeardMs) / HOUR;
  return downH >= 0.05 ? `; not counting the ${downH.toFixed(1)} h the hub itself was down` : "";
}

/** How much of the silence was the provider's outage, for the message (the limits count without it). */
function outageNote(last: { timeMs: number; provider: string }, silentFromMs: number): string {
  const outH = (silentFromMs - last.timeMs) / HOUR;
  return outH > 0 ? `; not counting the ${outH.toFixed(1)} h ${last.provider} was out` : "";
}

export function expectedIntervalHours(config: GoingDarkConfig, lengthM: number | undefined): number {
  if (lengthM === undefined) return config.defaultIntervalHours;
  return config.intervals.find((i) => lengthM >= i.minLengthM)?.hours ?? config.defaultIntervalHours;
}

/** Whether the rule judges this vessel at all (the register's, or any when `unregisteredTransmitters`). */
export function judgesVessel(config: GoingDarkConfig, vessel: string): boolean {
  return config.unregisteredTransmitters || !isUnregisteredVessel(vessel);
}

/** The thresholds of a vessel, in hours of silence, each with its severity. */
export function darkThresholds(config: GoingDarkConfig, vessel: string, lengthM: number | undefined) {
  const late = { afterHours: expectedIntervalHours(config, lengthM) * config.graceRatio, severity: "warning" as const, label: "late" };
  if (isUnregisteredVessel(vessel)) return [late];
  return [late, ...config.steps.filter((s) => s.afterHours > late.afterHours)];
}

export const goingDark: VesselRule<GoingDarkConfig, GoingDarkState> = {
  id: "going-dark",
  defaults: {
    intervals: [
      { minLengthM: 24, hours: 2 },
      { minLengthM: 15, hours: 3 },
    ],
    defaultIntervalHours: 1,
    graceRatio: 1.5,
    steps: [
      { afterHours: 6, severity: "critical", label: "lost connection (6 h)" },
      { afterHours: 24, severity: "critical", label: "silent for a day" },
      { afterHours: 240, severity: "critical", label: "silent for 10 days: must return to port" },
    ],
    unregisteredTransmitters: false,
  },
  initial: () => ({ level: -1 }),
  step(_config, state, p, { zones }) {
    const inPort = zones.containingZones(p.lat, p.lon).some((z) => z.kind === "port");
    const last = { timeMs: p.timeMs, lat: p.lat, lon: p.lon, inPort, provider: p.receiver ?? p.source };
    const next: GoingDarkState = { last, level: -1 };
    if (state.level < 0) return { state: next, transitions: [] };
    const silentH = (p.timeMs - (state.last?.timeMs ?? p.timeMs)) / HOUR;
    return {
      state: next,
      transitions: [vesselAlert("going-dark", p, "cleared", "info", `reporting again after ${silentH.toFixed(1)} h`)],
    };
  },
  tick(config, state, clock, vessel, context) {
    const nowMs = clock.nowMs;
    const last = state.last;
    if (!last || state.outage) return { state, transitions: [] };
    if (!judgesVessel(config, vessel)) {
      // Raised before the rule stopped judging it (an older version, or the parameter turned off).
      if (state.level < 0) return { state, transitions: [] };
      const where = { vessel, timeMs: nowMs, lat: last.lat, lon: last.lon };
      const cleared = vesselAlert("going-dark", where, "cleared", "info", "not judged: the register does not know this transmitter");
      return { state: { ...state, level: -1 }, transitions: [cleared] };
    }
    if (last.inPort) return { state, transitions: [] };
    const silentFromMs = Math.max(last.timeMs, state.excusedUntilMs ?? 0);
    const silentH = heardSilenceMs(clock, silentFromMs) / HOUR;
    const thresholds = darkThresholds(config, vessel, context.vesselLengthM?.(vessel));
    let level = state.level;
    while (level + 1 < thresholds.length && silentH >= (thresholds[level + 1] as { afterHours: number }).afterHours) level++;
    if (level === state.level) return { state, transitions: [] };
    const step = thresholds[level] as { severity: "info" | "warning" | "critical"; label: string };
    const where = { vessel, timeMs: nowMs, lat: last.lat, lon: last.lon };
    return {
      state: { ...state, level },
      transitions: [
        vesselAlert(
          "going-dark",
          where,
          "raised",
          step.severity,
          `no position for ${((nowMs - last.timeMs) / HOUR).toFixed(1)} h at sea (${step.label}); last heard by ${last.provider}${outageNote(last, silentFromMs)}${downNote(clock, silentFromMs)}`,
          {
            value: Math.round(silentH * 10) / 10,
            // The last fix heard, at its own time (the alert's time is the round that found the silence).
            evidence: [{ vessel, timeMs: last.timeMs, lat: last.lat, lon: last.lon, ...heardBy(last.provider) }],
          },
        ),
      ],
    };
  },
};
