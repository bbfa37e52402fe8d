// The bounded queue between a line source and the ingest pipeline. A source faster than ingest
// fills it; past `capacity` a line is refused (the adapter counts it as dropped, or pauses a
// source whose pause is lossless before that happens). Memory is bounded by capacity × maxLineBytes.

export interface QueuedLine {
  text: string;
  /** Hub clock when the line was complete, Unix ms. */
  at: number;
}

export class LineQueue {
  private items: QueuedLine[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** False when full. */
  push(line: QueuedLine): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(line);
    return true;
  }

  /**
   * Takes up to `max` lines received within `spanMs` of the first: one envelope's worth, so the
   * reception time stamped on the envelope is the time of each of its lines to within spanMs.
   */
  take(max: number, spanMs: number): QueuedLine[] {
    const out: QueuedLine[] = [];
    const first = this.items[this.head];
    if (!first) return out;
    while (out.length < max && this.head < this.items.length) {
      const line = this.items[this.head] as QueuedLine;
      if (line.at - first.at > spanMs) break;
      out.push(line);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
