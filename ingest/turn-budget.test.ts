import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { TurnBudget } from "./turn-budget.js";

/** Keeps the thread busy for `ms`, as decoding a large burst would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe("TurnBudget", () => {
  it("runs a task at once while nothing waits and the turn's budget is not spent", async () => {
    const turns = new TurnBudget(50);
    const ran: number[] = [];
    const result = turns.run(async () => {
      ran.push(1);
      return "done";
    });
    expect(ran).toEqual([1]); // before run() returned
    await expect(result).resolves.toBe("done");
  });

  it("past the budget, queues tasks for later turns and keeps their order", async () => {
    const turns = new TurnBudget(5);
    const ran: number[] = [];
    let immediateRanAfter = -1;
    void nextTurn().then(() => {
      immediateRanAfter = ran.length;
    });
    const all = Array.from({ length: 12 }, (_, i) =>
      turns.run(async () => {
        busy(3);
        ran.push(i);
        return i;
      }),
    );
    const ranInThisTurn = ran.length;
    expect(ranInThisTurn).toBeGreaterThanOrEqual(1);
    expect(ranInThisTurn).toBeLessThan(12);
    expect(turns.waiting).toBe(12 - ranInThisTurn);
    await expect(Promise.all(all)).resolves.toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(ran).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // The event loop got a turn before the burst was through.
    expect(immediateRanAfter).toBeGreaterThanOrEqual(ranInThisTurn);
    expect(immediateRanAfter).toBeLessThan(12);
    expect(turns.waiting).toBe(0);
  });

  it("a task never overtakes a queued one, even with budget to spare", async () => {
    const turns = new TurnBudget(5);
    const ran: string[] = [];
    const first = turns.run(async () => {
      busy(6);
      ran.push("first");
    });
    const queued = turns.run(async () => {
      ran.push("queued");
    });
    await nextTurn(); // a fresh budget, but "queued" is still waiting until the drain
    const late = turns.run(async () => {
      ran.push("late");
    });
    await Promise.all([first, queued, late]);
    expect(ran).toEqual(["first", "queued", "late"]);
  });

  it("a failing task rejects its own promise only; the tasks after it still run", async () => {
    const turns = new TurnBudget(1);
    busy(2);
    const tasks = [
      turns.run(async () => {
        busy(2);
        return 1;
      }),
      turns.run((): Promise<number> => {
        throw new Error("thrown before any await");
      }),
      turns.run(async () => {
        throw new Error("rejected");
      }),
      turns.run(async () => 4),
    ];
    const settled = await Promise.allSettled(tasks);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe("thrown before any await");
    expect((settled[3] as PromiseFulfilledResult<number>).value).toBe(4);
  });
});
