// Turning payload bytes into a JSON value, with the checks every JSON format shares: UTF-8, nesting
// depth (checked before parsing, so a hostile payload costs one linear scan), then JSON.parse.
import { type Rejection, reject } from "./rejection.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

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

export function parseJsonPayload(bytes: Uint8Array, maxDepth: number): JsonPayload {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, rejection: reject("payload_not_utf8", "the payload is not valid UTF-8") };
  }
  const depth = jsonDepth(text);
  if (depth > maxDepth) {
    return { ok: false, rejection: reject("json_too_deep", `JSON nests ${depth} levels deep; at most ${maxDepth} are accepted`) };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, rejection: reject("json_invalid", (error as Error).message) };
  }
}
