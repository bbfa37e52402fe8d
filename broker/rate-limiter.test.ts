import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("allows a burst, then the sustained rate, per key", () => {
    const limiter = new RateLimiter(2, 3);
    const t = 1_000_000;
    expect([limiter.take("a", t), limiter.take("a", t), limiter.take("a", t), limiter.take("a", t)]).toEqual([true, true, true, false]);
    expect(limiter.take("b", t)).toBe(true);
    expect(limiter.take("a", t + 499)).toBe(false);
    expect(limiter.take("a", t + 500)).toBe(true);
    expect(limiter.take("a", t + 10_000)).toBe(true);
    expect([limiter.take("a", t + 10_000), limiter.take("a", t + 10_000), limiter.take("a", t + 10_000)]).toEqual([true, true, false]);
  });
});
