// Runs at most `limit` asynchronous tasks at once; the others wait here, in arrival order, until one
// ends. Used to keep password hashing from filling libuv's thread pool (see password-hash.ts).
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.limit) return this.start(task);
    return new Promise<T>((resolve, reject) => this.waiting.push(() => this.start(task).then(resolve, reject)));
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    let result: Promise<T>;
    try {
      result = task();
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.finally(() => {
      this.running--;
      this.waiting.shift()?.();
    });
  }
}
