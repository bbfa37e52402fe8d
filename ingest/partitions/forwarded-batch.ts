// The payload of a rule-partition topic: the accepted observations of one or more messages whose
// subjects belong to one partition, each with the envelope fields rules read (never the raw bytes:
// the receiving instance stored them already). Messages handed over in the same moment share one
// payload (ingest/partitions/rule-partitions.ts). JSON, version 1; a payload that is not one is
// refused, never thrown.
import type { Envelope, Via } from "../envelope.js";
import type { Observation } from "../observation.js";

export interface ForwardedItem {
  envelope: Envelope;
  observations: Observation[];
}

interface WireItem {
  envelope: Omit<Envelope, "bytes" | "options">;
  observations: Observation[];
}

const EMPTY = Buffer.alloc(0);
const OBSERVATION_TYPES = new Set(["sensor_reading", "vessel_position", "vessel_static"]);

export function encodeForwardedBatch(items: readonly { envelope: Envelope; observations: readonly Observation[] }[]): string {
  const wire = items.map(({ envelope, observations }): WireItem => {
    const { bytes: _bytes, options: _options, ...fields } = envelope;
    return { envelope: fields, observations: observations as Observation[] };
  });
  return JSON.stringify({ v: 1, items: wire });
}

export function decodeForwardedBatch(payload: Buffer): ForwardedItem[] | { error: string } {
  let wire: { v?: unknown; items?: unknown };
  try {
    wire = JSON.parse(payload.toString("utf8")) as { v?: unknown; items?: unknown };
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof wire !== "object" || wire === null || wire.v !== 1) return { error: "not a version 1 forwarded batch" };
  if (!Array.isArray(wire.items)) return { error: "items is not a list" };
  const items: ForwardedItem[] = [];
  for (const [i, item] of (wire.items as Partial<WireItem>[]).entries()) {
    const e = item?.envelope;
    if (typeof e !== "object" || e === null || typeof e.deviceId !== "string" || typeof e.receivedAt !== "number") {
      return { error: `item ${i}: envelope missing or without deviceId/receivedAt` };
    }
    if (!Array.isArray(item.observations)) return { error: `item ${i}: observations is not a list` };
    for (const o of item.observations) {
      if (typeof o !== "object" || o === null || !OBSERVATION_TYPES.has(o.type) || typeof o.timeMs !== "number") {
        return { error: `item ${i}: an observation has no known type or no time` };
      }
    }
    items.push({ envelope: { ...e, via: e.via as Via, bytes: EMPTY }, observations: item.observations });
  }
  return items;
}
