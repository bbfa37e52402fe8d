// Provider outages: when many vessels heard by the same provider (an AIS receiver, a VMS gateway, or
// the VMS network as a whole) go dark in the same timer round, the provider is down, not the vessels:
// one `system` alert for the provider instead of one fisheries alert per vessel (satellite VMS
// networks do go down province-wide). A provider is out when at least `minVessels` of its vessels go
// dark together, they are at least `minFraction` of its vessels heard in the last `activeHours`, and
// nothing at all has been heard through the provider for `quietMinutes` (a provider that still
// relays some vessel is up: its silent vessels are silent on their own). Time the hub itself was
// down does not count as quiet (alerts/timer-clock.ts).
import { type TimerClock, heardSilenceMs } from "../../alerts/timer-clock.js";

export interface OutageConfig {
  minVessels: number;
  minFraction: number;
  activeHours: number;
  quietMinutes: number;
}

export const defaultOutageConfig: OutageConfig = { minVessels: 5, minFraction: 0.5, activeHours: 24, quietMinutes: 30 };

/**
 * The providers that are out: `goingDark` lists the vessels that would go dark now with their
 * provider, `heard` the number of vessels each provider heard within `activeHours`, `lastHeardMs`
 * when each provider last relayed anything.
 */
export function providersOut(
  goingDark: readonly { vessel: string; provider: string }[],
  heard: ReadonlyMap<string, number>,
  lastHeardMs: ReadonlyMap<string, number>,
  clock: TimerClock,
  config: OutageConfig,
): Set<string> {
  const dark = new Map<string, number>();
  for (const { provider } of goingDark) dark.set(provider, (dark.get(provider) ?? 0) + 1);
  const out = new Set<string>();
  for (const [provider, count] of dark) {
    const population = Math.max(heard.get(provider) ?? 0, count);
    const quiet = heardSilenceMs(clock, lastHeardMs.get(provider) ?? 0) >= config.quietMinutes * 60_000;
    if (quiet && count >= config.minVessels && count / population >= config.minFraction) out.add(provider);
  }
  return out;
}
