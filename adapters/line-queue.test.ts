import { describe, expect, it } from "vitest";
import { LineQueue } from "./line-queue.js";

describe("LineQueue", () => {
  it("refuses lines past its capacity", () => {
    const queue = new LineQueue(3);
    expect([1, 2, 3, 4].map((i) => queue.push({ text: String(i), at: i }))).toEqual([true, true, true, false]);
    expect(queue.length).toBe(3);
  });

  it("takes at most `max` lines, all within `spanMs` of the first", () => {
    const queue = new LineQueue(100);
    for (const at of [0, 10, 500, 1000, 1001, 1002, 5000]) queue.push({ text: `l${at}`, at });
    expect(queue.take(10, 1000).map((l) => l.at)).toEqual([0, 10, 500, 1000]);
    expect(queue.take(2, 1000).map((l) => l.at)).toEqual([1001, 1002]);
    expect(queue.take(10, 1000).map((l) => l.at)).toEqual([5000]);
    expect(queue.take(10, 1000)).toEqual([]);
  });

  it("keeps order and its memory bounded over many cycles", () => {
    const queue = new LineQueue(2000);
    let next = 0;
    let expected = 0;
    let outOfOrder = 0;
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 1500; i++) queue.push({ text: String(next++), at: 0 });
      for (const line of queue.take(1500, 1000)) if (Number(line.text) !== expected++) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(expected).toBe(next);
    expect(queue.length).toBe(0);
  });
});
