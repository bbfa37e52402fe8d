// The shape every JSON format of the hub shares: one object, or an array of them (a batch) of at
// most ingest.maxBatchReadings elements. Each element is then checked on its own by the decoder.
import type { DecodeLimits } from "./decoders/decoder.js";
import { parseJsonPayload } from "./json-payload.js";
import { type Rejection, reject } from "./rejection.js";

export type JsonElements = { ok: true; elements: unknown[]; batch: boolean } | { ok: false; rejection: Rejection };

/** `noun` names the elements in the batch-size message ("readings", "reports"). */
export function jsonElements(bytes: Buffer, limits: DecodeLimits, noun: string): JsonElements {
  const parsed = parseJsonPayload(bytes, limits.maxJsonDepth);
  if (!parsed.ok) return parsed;
  const batch = Array.isArray(parsed.value);
  const elements = batch ? (parsed.value as unknown[]) : [parsed.value];
  if (elements.length > limits.maxBatchReadings) {
    return {
      ok: false,
      rejection: reject("batch_too_large", `${elements.length} ${noun} in one message; at most ${limits.maxBatchReadings}`),
    };
  }
  return { ok: true, elements, batch };
}

/** JSON pointer prefix of a batch element ("" for a single object). */
export const elementPrefix = (batch: boolean, index: number) => (batch ? `/${index}` : "");
