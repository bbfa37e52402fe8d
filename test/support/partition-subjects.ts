import { partitionOf, stationSubject } from "../../ingest/partitions/partition-of.js";

/** The first station id `<prefix>-<n>` whose rule partition (of `partitions`) is `partition`. */
export function stationInPartition(partition: number, partitions: number, prefix: string): string {
  for (let n = 0; ; n++) {
    const id = `${prefix}-${n}`;
    if (partitionOf(stationSubject(id), partitions) === partition) return id;
  }
}
