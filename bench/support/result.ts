// One benchmark figure, reported against a peer measured in the same run on the same machine.
export interface BenchResult {
  name: string;
  unit: string;
  value: number;
  peer: string;
  peer_value: number;
  /** value / peer_value. */
  ratio: number;
  /** What the figure is checked against, when the issue sets a target. */
  target?: string;
  detail?: Record<string, unknown>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function result(
  name: string,
  unit: string,
  value: number,
  peer: string,
  peerValue: number,
  extra: Partial<BenchResult> = {},
): BenchResult {
  return { name, unit, value: round(value), peer, peer_value: round(peerValue), ratio: round(value / peerValue, 3), ...extra };
}

function round(v: number, digits = 1): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
