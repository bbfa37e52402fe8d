// Turning payload bytes into a JSON value, with the checks every JSON format shares: UTF-8, nesting
// depth (checked before parsing, so a hostile payload costs one linear scan), then JSON.parse.
import { isUtf8 } from "node:buffer";
import { type Rejection, reject } from "./rejection.js";

/** Deepest nesting of [ and { outside strings. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

export type JsonPayload = { ok: true; value: unknown; text: string } | { ok: false; rejection: Rejection };

export function parseJsonPayload(bytes: Buffer, maxDepth: number): JsonPayload {
  if (!isUtf8(bytes)) return { ok: false, rejection: reject("payload_not_utf8", "the payload is not valid UTF-8") };
  const text = bytes.toString("utf8");
  // A payload cannot nest deeper than it has characters: short ones skip the scan.
  const depth = text.length > maxDepth ? jsonDepth(text) : 0;
  if (depth > maxDepth) {
    return { ok: false, rejection: reject("json_too_deep", `JSON nests ${depth} levels deep; at most ${maxDepth} are accepted`) };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, rejection: reject("json_invalid", (error as Error).message) };
  }
}
