// shared/corpus/ais/bad-input.nmea: every broken line gets an error with its line number, every good
// line decodes, nothing throws. Policy where bad-input.expected.md leaves a choice: a tag block with
// a bad checksum is ignored (the sentence decodes, an error is reported); an unterminated tag block is
// stripped the same way; two sentences run together on one line are both decoded.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../../hub/package-root.js";
import { type AisError, AisStreamDecoder, type DecodedAis } from "./ais-stream.js";

const file = join(packageRoot, "..", "shared", "corpus", "ais", "bad-input.nmea");

describe("AIS decoder on bad input", () => {
  const decoder = new AisStreamDecoder();
  const messages: DecodedAis[] = [];
  const errors: AisError[] = [];
  readFileSync(file, "latin1")
    .split("\n")
    .forEach((line, i) => {
      const result = decoder.push(line, i + 1, 0);
      messages.push(...result.messages);
      errors.push(...result.errors);
    });
  errors.push(...decoder.end());

  it("decodes every good line, and only those", () => {
    expect(messages.map((m) => [m.line, m.message.type, m.message.mmsi])).toEqual([
      [1, 1, 227006760],
      [9, 18, 367430530],
      [15, 5, 369190000],
      [21, 24, 271041815],
      [25, 1, 367309370],
      [27, 1, 227006760],
      [34, 1, 227006760],
      [35, 1, 367309370],
      [36, 1, 367309370],
      [37, 1, 367309370],
      [38, 1, 227006760],
      [38, 1, 367309370],
      [39, 1, 367309370],
      [40, 1, 227006760],
    ]);
  });

  it("reports every broken line with its reason", () => {
    const byLine = new Map<number, string[]>();
    for (const e of errors) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e.reason]);
    expect(Object.fromEntries([...byLine].sort((a, b) => a[0] - b[0]))).toEqual({
      3: ["checksum_mismatch"],
      4: ["checksum_missing"],
      5: ["message_too_short"],
      6: ["checksum_missing"],
      7: ["fill_bits_invalid"],
      8: ["fill_bits_invalid"],
      10: ["multipart_orphan"],
      11: ["multipart_incomplete"],
      12: ["multipart_orphan"],
      13: ["multipart_incomplete"],
      16: ["multipart_inconsistent"],
      17: ["multipart_inconsistent"],
      19: ["not_nmea"],
      22: ["sentence_too_long"],
      23: ["sentence_too_long"],
      24: ["not_nmea"],
      28: ["payload_armour_invalid"],
      29: ["field_count"],
      30: ["fragment_invalid"],
      31: ["fragment_invalid"],
      32: ["payload_empty"],
      33: ["message_type_unsupported"],
      36: ["tag_block_checksum"],
      37: ["tag_block_unterminated"],
    });
  });

  it("merges type 24 parts A and B, flags own-ship sentences and exposes tag blocks", () => {
    const merged = messages.find((m) => m.message.type === 24)?.message;
    expect(merged).toMatchObject({ mmsi: 271041815, shipname: "PROGUY", callsign: "TC6163", shiptype: 60 });
    expect(messages.find((m) => m.line === 34)?.own).toBe(true);
    expect(messages.find((m) => m.line === 35)?.tagBlock).toEqual({ source: "2573135", unixTime: 1671620143 });
    expect(messages.find((m) => m.line === 36)?.tagBlock).toBeUndefined();
    expect(messages.find((m) => m.line === 39)?.talker).toBe("BS");
  });

  it("expires fragments that never complete, and bounds what it holds", () => {
    const sentence = (body: string) => {
      let sum = 0;
      for (const c of body) sum ^= c.charCodeAt(0);
      return `!${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}`;
    };
    const first = (seq: number) => sentence(`AIVDM,2,1,${seq},A,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0`);
    const d = new AisStreamDecoder({ fragmentTimeoutMs: 1000, maxPending: 2 });
    expect(d.push(first(1), 1, 0).errors).toEqual([]);
    expect(d.push(first(2), 2, 10).errors).toEqual([]);
    expect(d.push(first(3), 3, 20).errors.map((e) => [e.line, e.reason])).toEqual([[1, "multipart_overflow"]]);
    expect(d.push("", 4, 5000).errors.map((e) => [e.line, e.reason])).toEqual([
      [2, "multipart_timeout"],
      [3, "multipart_timeout"],
    ]);
  });
});
