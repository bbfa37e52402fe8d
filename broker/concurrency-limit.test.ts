import { describe, expect, it } from "vitest";
import { ConcurrencyLimit } from "./concurrency-limit.js";

/** A task that ends when the test says so, recording when it started. */
function controllable(started: number[], id: number) {
  let finish!: (value: number) => void;
  let fail!: (error: Error) => void;
  const task = () => {
    started.push(id);
    return new Promise<number>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { task, finish: () => finish(id), fail: (error: Error) => fail(error) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("ConcurrencyLimit", () => {
  it("runs at most `limit` tasks at once and starts the others in arrival order as slots free up", async () => {
    const limit = new ConcurrencyLimit(2);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3, 4].map((id) => controllable(started, id));
    const results = tasks.map((t) => limit.run(t.task));
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(3);
    tasks[1]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]?.finish();
    tasks[2]?.finish();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(limit.queued).toBe(0);
    tasks[3]?.finish();
    tasks[4]?.finish();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
  });

  it("passes a task's failure to its caller and frees the slot for the next", async () => {
    const limit = new ConcurrencyLimit(1);
    const started: number[] = [];
    const [first, second] = [controllable(started, 0), controllable(started, 1)];
    const failed = limit.run(first.task);
    const next = limit.run(second.task);
    first.fail(new Error("scrypt failed"));
    await expect(failed).rejects.toThrow("scrypt failed");
    await settle();
    expect(started).toEqual([0, 1]);
    second.finish();
    expect(await next).toBe(1);
  });

  it("treats a task that throws before returning a promise like one that rejects", async () => {
    const limit = new ConcurrencyLimit(1);
    const thrown = limit.run(() => {
      throw new Error("bad parameters");
    });
    await expect(thrown).rejects.toThrow("bad parameters");
    expect(await limit.run(async () => "after")).toBe("after");
  });
});
