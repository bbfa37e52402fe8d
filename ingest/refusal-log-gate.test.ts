import { describe, expect, it } from "vitest";
import { RefusalLogGate } from "./refusal-log-gate.js";

describe("RefusalLogGate", () => {
  // Each case: refusals as [device, time in ms], and the counts the gate lets through to the log.
  const cases: { name: string; refusals: [string, number][]; logged: (string | number)[] }[] = [
    { name: "one refusal is logged", refusals: [["a", 0]], logged: ["a:1"] },
    {
      name: "a device's first ten of a minute, then none until the thousandth",
      refusals: Array.from({ length: 1000 }, (_, i) => ["a", i] as [string, number]),
      logged: [...Array.from({ length: 10 }, (_, i) => `a:${i + 1}`), "a:1000"],
    },
    {
      name: "devices are counted apart",
      refusals: [...Array.from({ length: 12 }, (_, i) => ["a", i] as [string, number]), ["b", 20]],
      logged: [...Array.from({ length: 10 }, (_, i) => `a:${i + 1}`), "b:1"],
    },
    {
      name: "a new minute starts the count again",
      refusals: [...Array.from({ length: 12 }, (_, i) => ["a", i] as [string, number]), ["a", 60_000]],
      logged: [...Array.from({ length: 10 }, (_, i) => `a:${i + 1}`), "a:1"],
    },
  ];

  it.each(cases)("$name", ({ refusals, logged }) => {
    const gate = new RefusalLogGate(60_000);
    const out: string[] = [];
    for (const [device, at] of refusals) {
      const count = gate.admit(device, at);
      if (count !== undefined) out.push(`${device}:${count}`);
    }
    expect(out).toEqual(logged);
  });
});
