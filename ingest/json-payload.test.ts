import { describe, expect, it } from "vitest";
import { jsonDepth, parseJsonPayload } from "./json-payload.js";

describe("jsonDepth", () => {
  it.each([
    ["1", 0],
    ["{}", 1],
    ['{"a":[{"b":1}]}', 3],
    ['{"a":"[[[[{{{{"}', 1],
    ['{"a":"\\"[[["}', 1],
    ["[".repeat(100), 100],
  ])("%s → %i", (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });
});

describe("parseJsonPayload", () => {
  it("parses UTF-8 JSON, Vietnamese included", () => {
    expect(parseJsonPayload(Buffer.from('{"tên":"Trạm Huế"}'), 4)).toMatchObject({ ok: true, value: { tên: "Trạm Huế" } });
  });
  it("refuses bad UTF-8, deep nesting and bad JSON, in that order", () => {
    expect(parseJsonPayload(Buffer.from([0xc3, 0x28]), 4)).toMatchObject({ ok: false, rejection: { reason: "payload_not_utf8" } });
    expect(parseJsonPayload(Buffer.from("[[[[[1]]]]]"), 4)).toMatchObject({ ok: false, rejection: { reason: "json_too_deep" } });
    expect(parseJsonPayload(Buffer.from("{"), 4)).toMatchObject({ ok: false, rejection: { reason: "json_invalid" } });
  });
});
