// Device and operator secrets are stored only as scrypt hashes (RFC 7914), in a self-describing
// string so parameters can be changed later without invalidating stored hashes.
//
// N = 2^12 (4 MiB, ~10 ms per hash) rather than the 2^14 advised for human passwords: the hub only
// stores secrets it generated, 192 random bits each, which no amount of stretching makes any harder
// to guess; what the cost does buy is slower reconnect storms (a province's stations reconnecting
// after a network cut each cost one hash) and memory spikes of 16 MiB per concurrent hash.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { ConcurrencyLimit } from "./concurrency-limit.js";

const N = 4096;
const r = 8;
const p = 1;
const KEY_BYTES = 32;

/**
 * Hashes run two at a time on libuv's thread pool (four threads), the rest wait here: the pool has
 * one queue, shared with the spool's durable writes, so 400 devices logging in at once (a network
 * cut healing) held a spool commit behind 400 hashes, and every PUBACK with it, for 0.6–0.9 s
 * (measured). Two slots leave two threads to the files and bound the memory of hashes in flight.
 */
const hashing = new ConcurrencyLimit(2);

function scryptAsync(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashing.run(
    () =>
      new Promise((resolve, reject) => scrypt(secret, salt, KEY_BYTES, options, (error, key) => (error ? reject(error) : resolve(key)))),
  );
}

/** A new random secret: 24 bytes, base64url (32 characters). */
export function generateSecret(): string {
  return randomBytes(24).toString("base64url");
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, rr, pp, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, "base64url");
  const actual = await scryptAsync(secret, Buffer.from(salt, "base64url"), {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
    maxmem: 64 * 1024 * 1024,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
