// The payload of a rule-partition topic: the accepted observations of one message whose subjects
// belong to one partition, with the envelope fields rules read (never the raw bytes: the receiving
// instance stored them already). JSON, version 1; a payload that is not one is refused, never thrown.
import type { Envelope, Via } from "../envelope.js";
import type { Observation } from "../observation.js";

export interface ForwardedBatch {
  envelope: Envelope;
  observations: Observation[];
}

interface Wire {
  v: 1;
  envelope: Omit<Envelope, "bytes" | "options">;
  observations: Observation[];
}

const EMPTY = Buffer.alloc(0);
const OBSERVATION_TYPES = new Set(["sensor_reading", "vessel_position", "vessel_static"]);

export function encodeForwardedBatch(envelope: Envelope, observations: readonly Observation[]): string {
  const { bytes: _bytes, options: _options, ...fields } = envelope;
  const wire: Wire = { v: 1, envelope: fields, observations: observations as Observation[] };
  return JSON.stringify(wire);
}

export function decodeForwardedBatch(payload: Buffer): ForwardedBatch | { error: string } {
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(payload.toString("utf8")) as Partial<Wire>;
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof wire !== "object" || wire === null || wire.v !== 1) return { error: "not a version 1 forwarded batch" };
  const e = wire.envelope;
  if (typeof e !== "object" || e === null || typeof e.deviceId !== "string" || typeof e.receivedAt !== "number") {
    return { error: "envelope missing or without deviceId/receivedAt" };
  }
  if (!Array.isArray(wire.observations)) return { error: "observations is not a list" };
  for (const o of wire.observations) {
    if (typeof o !== "object" || o === null || !OBSERVATION_TYPES.has(o.type) || typeof o.timeMs !== "number") {
      return { error: "an observation has no known type or no time" };
    }
  }
  return {
    envelope: { ...e, via: e.via as Via, bytes: EMPTY },
    observations: wire.observations,
  };
}
