// Checks every observation passes whatever its format: its time must be plausible (DESIGN.md §3:
// not far in the future; late data is accepted and written at its own time, up to a limit).
import type { Observation } from "./observation.js";
import { type Rejection, reject } from "./rejection.js";

export interface TimeLimits {
  maxFutureMs: number;
  maxPastMs: number;
}

export function checkObservation(observation: Observation, receivedAt: number, limits: TimeLimits): Rejection | undefined {
  const lead = observation.timeMs - receivedAt;
  if (lead > limits.maxFutureMs) {
    return reject(
      "time_in_future",
      `observation time ${new Date(observation.timeMs).toISOString()} is ${Math.round(lead / 1000)} s ahead of the hub's clock`,
    );
  }
  if (-lead > limits.maxPastMs) {
    return reject(
      "time_too_old",
      `observation time ${new Date(observation.timeMs).toISOString()} is older than ${Math.round(limits.maxPastMs / 86_400_000)} days`,
    );
  }
  return undefined;
}
