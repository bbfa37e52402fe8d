// Brute-force protection for every password and token check (MQTT CONNECT, REST Basic and Bearer):
// failures are counted per device id and per client IP over a sliding window; past the limit the
// key is locked out — refused at once, without looking at the secret — for a time that doubles with
// each lockout (1 min, 2 min, … up to maxLockoutMs). A success clears the device id's count. The
// per-IP limit is higher than the per-device one: many devices share a cellular operator's NAT.
// Memory is bounded: at most MAX_KEYS keys, the least recently failed evicted first.

export interface LoginGuardOptions {
  maxFailuresPerId: number;
  maxFailuresPerIp: number;
  windowMs: number;
  lockoutMs: number;
  maxLockoutMs: number;
}

export const defaultLoginGuardOptions: LoginGuardOptions = {
  maxFailuresPerId: 5,
  maxFailuresPerIp: 30,
  windowMs: 15 * 60_000,
  lockoutMs: 60_000,
  maxLockoutMs: 60 * 60_000,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

const MAX_KEYS = 100_000;

export class LoginGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: LoginGuardOptions = defaultLoginGuardOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the id or the IP may try again; 0 when neither is locked out. */
  lockedFor(id: string | undefined, ip: string | undefined): number {
    const now = this.now();
    let wait = 0;
    for (const key of this.keys(id, ip)) {
      const entry = this.entries.get(key);
      if (entry && entry.lockedUntil > now) wait = Math.max(wait, entry.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failed check; returns the lockout it started, in ms (0 if none). */
  failed(id: string | undefined, ip: string | undefined): number {
    const now = this.now();
    let started = 0;
    for (const key of this.keys(id, ip)) {
      const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, lockouts: 0 };
      this.entries.delete(key); // re-insert: Map order is the eviction order
      entry.failures = entry.failures.filter((t) => now - t < this.options.windowMs);
      entry.failures.push(now);
      const limit = key.startsWith("ip:") ? this.options.maxFailuresPerIp : this.options.maxFailuresPerId;
      if (entry.failures.length >= limit && entry.lockedUntil <= now) {
        const duration = Math.min(this.options.maxLockoutMs, this.options.lockoutMs * 2 ** entry.lockouts);
        entry.lockouts++;
        entry.lockedUntil = now + duration;
        entry.failures = [];
        started = Math.max(started, duration);
      }
      this.entries.set(key, entry);
      if (this.entries.size > MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
    }
    return started;
  }

  /** A successful check clears the device id's failures (not the IP's: one good device behind a NAT must not unlock an attacker). */
  succeeded(id: string | undefined): void {
    if (id !== undefined) this.entries.delete(`id:${id}`);
  }

  private keys(id: string | undefined, ip: string | undefined): string[] {
    const out: string[] = [];
    if (id !== undefined) out.push(`id:${id}`);
    if (ip !== undefined) out.push(`ip:${ip}`);
    return out;
  }
}
