// The one signature every input format implements: an Envelope in, Observations and/or rejections out.
// Decoders are pure: no I/O, no clock other than envelope.receivedAt.
import type { Envelope } from "../envelope.js";
import type { Observation } from "../observation.js";
import type { Rejection } from "../rejection.js";
import type { SchemaRegistry } from "../schema-registry.js";

export interface DecodeLimits {
  maxBatchReadings: number;
  maxJsonDepth: number;
}

export interface DecodeContext {
  schemas: SchemaRegistry;
  limits: DecodeLimits;
}

export interface DecodeResult {
  observations: Observation[];
  rejections: Rejection[];
}

export interface Decoder {
  /** The format name transports put in Envelope.format. */
  readonly name: string;
  /** The published schema the payload is checked against. */
  readonly schema?: string;
  decode(envelope: Envelope, context: DecodeContext): DecodeResult;
}
