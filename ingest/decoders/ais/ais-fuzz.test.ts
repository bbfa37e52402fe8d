// Fuzzing with fast-check for a fixed budget: whatever the input, the AIS and NAF decoders return
// messages and errors; nothing throws, nothing hangs, and what they hold stays bounded.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseNafRecord, splitRecords } from "../naf/naf-record.js";
import { AisStreamDecoder } from "./ais-stream.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

/** Sentence-shaped noise: real framing with mutated fields, so the fuzzer gets past the first checks. */
const aisLike = fc
  .tuple(
    fc.constantFrom("!AIVDM", "!AIVDO", "!BSVDM", "$GPGGA", "\\s:x,c:1*00\\!AIVDM", ""),
    fc.array(fc.string({ maxLength: 12 }), { maxLength: 9 }),
    fc.stringMatching(/^[0-9A-Fa-w`:;<=>?@]{0,90}$/),
    fc.stringMatching(/^\*[0-9A-F]{0,3}$/),
  )
  .map(([head, fields, payload, checksum]) => `${head},${fields.join(",")},${payload}${checksum}`);

describe("fuzzing the vessel decoders", () => {
  it("AIS: never throws on any line, or any sentence-like line, and keeps at most maxPending fragments", () => {
    const decoder = new AisStreamDecoder({ maxPending: 50, fragmentTimeoutMs: 10_000 });
    let line = 0;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.fullUnicodeString({ maxLength: 120 }), aisLike), (text) => {
        const result = decoder.push(text, ++line, line);
        expect(Array.isArray(result.messages) && Array.isArray(result.errors)).toBe(true);
        expect((decoder as unknown as { pending: Map<string, unknown> }).pending.size).toBeLessThanOrEqual(50);
      }),
      { numRuns: RUNS },
    );
    expect(() => decoder.end()).not.toThrow();
  });

  it("AIS: a valid sentence with one character changed is decoded or refused, never both, never a crash", () => {
    const good = "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23";
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.char(), (at, c) => {
        const mutated = good.slice(0, at) + c + good.slice(at + 1);
        const result = new AisStreamDecoder().push(mutated, 1, 0);
        expect(result.messages.length + result.errors.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: RUNS },
    );
  });

  it("NAF: never throws, and a refused record always says why", () => {
    const nafLike = fc
      .array(
        fc.tuple(
          fc.constantFrom("TM", "XR", "LT", "LG", "LA", "LO", "DA", "TI", "SP", "CO", "ID", "NA", "X"),
          fc.string({ maxLength: 12 }),
        ),
        { maxLength: 14 },
      )
      .map((fields) => `//SR//${fields.map(([k, v]) => `${k}/${v}`).join("//")}//ER//`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), nafLike), (text) => {
        for (const record of splitRecords(text)) {
          const result = parseNafRecord(record);
          if (!result.ok) expect(result.reason).toMatch(/^naf_/);
          else expect(Number.isFinite(result.position.lat) && Math.abs(result.position.lat) <= 90).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
