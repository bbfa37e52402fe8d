// Rule state is keyed by subject (a station, a vessel identity) and partitioned by a hash of it, so
// that one instance — the partition's owner — runs every rule of a subject (DESIGN.md §7,
// docs/scaling.md). The hash is FNV-1a (32 bit): stable across processes, versions and platforms,
// which is all a partition key needs (it is not a defence against chosen keys).
import type { Observation } from "../observation.js";

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export const stationSubject = (station: string) => `station:${station}`;
export const vesselSubject = (vessel: string) => `vessel:${vessel}`;

/** The subject whose rule state an observation touches. */
export function subjectOf(observation: Observation): string {
  return observation.type === "sensor_reading" ? stationSubject(observation.station) : vesselSubject(observation.vessel);
}

export function partitionOf(subject: string, partitions: number): number {
  return partitions <= 1 ? 0 : fnv1a32(subject) % partitions;
}

/** `all`, or a list of numbers and ranges (`0-3,8`), as rules.ownedPartitions says; throws on one out of range. */
export function parseOwnedPartitions(spec: string, partitions: number): Set<number> {
  const owned = new Set<number>();
  if (spec === "all") {
    for (let p = 0; p < partitions; p++) owned.add(p);
    return owned;
  }
  for (const part of spec.split(",")) {
    const [from, to = from] = part.split("-").map(Number) as [number, number?];
    if (to < from) throw new RangeError(`rules.ownedPartitions: range ${part} runs backwards`);
    for (let p = from; p <= to; p++) {
      if (p >= partitions) throw new RangeError(`rules.ownedPartitions: partition ${p} is not below rules.partitions (${partitions})`);
      owned.add(p);
    }
  }
  return owned;
}
