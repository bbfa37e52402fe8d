import { describe, expect, it } from "vitest";
import { LoginGuard } from "./login-guard.js";

const options = { maxFailuresPerId: 3, maxFailuresPerIp: 5, windowMs: 10_000, lockoutMs: 1000, maxLockoutMs: 4000 };

describe("LoginGuard", () => {
  it.each([
    [
      "2 failures of one id: not locked",
      [
        ["d1", "1.1.1.1"],
        ["d1", "1.1.1.2"],
      ],
      "d1",
      "9.9.9.9",
      0,
    ],
    [
      "3 failures of one id from different IPs: the id is locked",
      [
        ["d1", "1.1.1.1"],
        ["d1", "1.1.1.2"],
        ["d1", "1.1.1.3"],
      ],
      "d1",
      "9.9.9.9",
      1000,
    ],
    [
      "...but another id from a clean IP is not",
      [
        ["d1", "1.1.1.1"],
        ["d1", "1.1.1.2"],
        ["d1", "1.1.1.3"],
      ],
      "d2",
      "9.9.9.9",
      0,
    ],
    [
      "5 failures from one IP over many ids: the IP is locked",
      [
        ["a", "6.6.6.6"],
        ["b", "6.6.6.6"],
        ["c", "6.6.6.6"],
        ["d", "6.6.6.6"],
        ["e", "6.6.6.6"],
      ],
      "f",
      "6.6.6.6",
      1000,
    ],
    [
      "bearer tokens: IP only",
      [
        [undefined, "7.7.7.7"],
        [undefined, "7.7.7.7"],
        [undefined, "7.7.7.7"],
        [undefined, "7.7.7.7"],
        [undefined, "7.7.7.7"],
      ],
      undefined,
      "7.7.7.7",
      1000,
    ],
  ] as const)("%s", (_name, failures, id, ip, locked) => {
    const guard = new LoginGuard(options, () => 0);
    for (const [fid, fip] of failures) guard.failed(fid, fip);
    expect(guard.lockedFor(id, ip)).toBe(locked);
  });

  it("forgets failures outside the window, doubles repeated lockouts up to the cap, and a success clears the id", () => {
    let now = 0;
    const guard = new LoginGuard(options, () => now);
    guard.failed("d1", undefined);
    guard.failed("d1", undefined);
    now = 20_000; // the first two are out of the window
    guard.failed("d1", undefined);
    expect(guard.lockedFor("d1", undefined)).toBe(0);
    guard.succeeded("d1");
    const lockouts: number[] = [];
    for (let round = 0; round < 4; round++) {
      guard.failed("d1", undefined);
      guard.failed("d1", undefined);
      const started = guard.failed("d1", undefined);
      lockouts.push(started);
      now += started;
    }
    expect(lockouts).toEqual([1000, 2000, 4000, 4000]);
    guard.failed("d1", undefined);
    guard.succeeded("d1");
    expect(guard.lockedFor("d1", undefined)).toBe(0);
  });
});
