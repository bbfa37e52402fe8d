// Which refused messages are also logged. A device sending nothing but bad data at its rate limit
// (mqtt.publishRatePerSecond, 200 by default) would otherwise write 17 million warnings a day. Every
// refusal is still counted, dead-lettered and reported to its sender; the log gets a device's first
// ten refusals of each minute, then one in a thousand, with the count.
import { worthLogging } from "../hub/log-throttle.js";

/** Devices tracked at most: ids from an external broker's topics are not bounded by a registry. */
const MAX_TRACKED = 10_000;

export class RefusalLogGate {
  private readonly devices = new Map<string, { windowStart: number; count: number }>();

  constructor(private readonly windowMs = 60_000) {}

  /** This device's refusals in the current window if this one is to be logged; undefined if not. */
  admit(deviceId: string, nowMs = Date.now()): number | undefined {
    let entry = this.devices.get(deviceId);
    if (!entry || nowMs - entry.windowStart >= this.windowMs) {
      if (!entry && this.devices.size >= MAX_TRACKED) this.devices.clear();
      entry = { windowStart: nowMs, count: 0 };
      this.devices.set(deviceId, entry);
    }
    entry.count++;
    return worthLogging(entry.count) ? entry.count : undefined;
  }
}
