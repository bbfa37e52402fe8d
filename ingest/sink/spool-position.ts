// A place in the spool: a segment file and a byte offset in it.

export interface SpoolPosition {
  segment: number;
  offset: number;
}

/** Whether `a` comes strictly before `b` in the spool. */
export function before(a: SpoolPosition, b: SpoolPosition): boolean {
  return a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
}
