// Bounds how long ingest holds the event loop in one turn. aedes parses everything a socket has
// buffered in one go, so a burst from many devices (100 publishers × 32 packs of 100 readings in
// flight) would otherwise be decoded, run through the rules and serialised in a single turn of a
// second or more, while the InfluxDB writer's file reads and HTTP replies, the REST API and the
// alert fan-out wait for that turn to end. With a budget, work past it waits in arrival order for
// the next turns, and I/O is served between them.
import { setImmediate } from "node:timers";

export class TurnBudget {
  private readonly queue: (() => void)[] = [];
  private head = 0;
  /** performance.now() when work of the current turn began; -1 when none has. */
  private turnStartedAt = -1;
  private scheduled = false;

  constructor(private readonly budgetMs: number) {}

  /** Queued tasks not started yet. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `task` now if nothing waits and this turn's budget is not spent, else after the tasks
   * before it, in a later turn. Order is kept: a task never overtakes one queued before it.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.waiting === 0 && this.withinBudget()) {
      try {
        return task();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          task().then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      });
      this.schedule();
    });
  }

  private withinBudget(): boolean {
    const now = performance.now();
    if (this.turnStartedAt < 0) {
      this.turnStartedAt = now;
      // A new budget after this turn's I/O: the check phase ends the turn.
      this.schedule();
      return true;
    }
    return now - this.turnStartedAt < this.budgetMs;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    this.turnStartedAt = performance.now();
    while (this.head < this.queue.length) {
      const task = this.queue[this.head] as () => void;
      this.queue[this.head++] = noop; // let the closure go
      task();
      if (performance.now() - this.turnStartedAt >= this.budgetMs) break;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      // New work in the next poll phase starts a fresh budget.
      this.turnStartedAt = -1;
    } else {
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.schedule();
    }
  }
}

function noop(): void {}
