// Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
// a random wait in [0, min(cap, base·2^attempt)], so many clients retrying after one outage spread out.

export function fullJitterDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(random() * ceiling);
}
