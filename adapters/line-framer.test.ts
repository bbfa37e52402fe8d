import { describe, expect, it } from "vitest";
import { LineFramer } from "./line-framer.js";

function frame(chunks: (string | Buffer)[], options: { max?: number; nmea?: boolean } = {}) {
  const lines: string[] = [];
  const problems: string[] = [];
  const framer = new LineFramer(
    options.max ?? 64,
    { line: (l) => lines.push(l), problem: (kind) => problems.push(kind) },
    options.nmea ?? false,
  );
  for (const c of chunks) framer.push(typeof c === "string" ? Buffer.from(c, "latin1") : c);
  return { lines, problems, torn: framer.reset() };
}

describe("LineFramer", () => {
  it.each([
    ["CR LF and LF endings", ["a=1\r\nb=2\n"], {}, ["a=1", "b=2"], [], 0],
    ["a line split across chunks", ["a=", "1\r", "\nb"], {}, ["a=1"], [], 1],
    ["empty lines skipped", ["\r\n\n  \na=1\n"], {}, ["a=1"], [], 0],
    ["overlong line dropped whole, the next kept", [`${"x".repeat(70)}\nok\n`], {}, ["ok"], ["overlong"], 0],
    ["overlong across chunks", ["x".repeat(40), "x".repeat(40), "\nok\n"], {}, ["ok"], ["overlong"], 0],
    ["control bytes removed and counted", ["a=\x001\x07\n"], {}, ["a=1"], ["garbage"], 0],
    ["invalid UTF-8 removed and counted", [Buffer.from([0x61, 0x3d, 0xff, 0x31, 0x0a])], {}, ["a=1"], ["garbage"], 0],
    ["valid UTF-8 kept", [Buffer.from("t=25 unit=°C\n", "utf8")], {}, ["t=25 unit=°C"], [], 0],
    ["NMEA: noise before the start character cut", ["~~junk!AIVDM,1*00\r\n"], { nmea: true }, ["!AIVDM,1*00"], ["garbage"], 0],
    ["NMEA: a tag block start kept", ["\\c:1*00\\!AIVDM\r\n"], { nmea: true }, ["\\c:1*00\\!AIVDM"], [], 0],
    ["NMEA: a line of pure noise dropped", ["\x1b\x80zz\r\n$GPRMC\r\n"], { nmea: true }, ["$GPRMC"], ["garbage"], 0],
  ] as const)("%s", (_name, chunks, options, lines, problems, torn) => {
    const result = frame([...chunks], options);
    expect(result.lines).toEqual(lines);
    expect(result.problems).toEqual(problems);
    expect(result.torn > 0 ? 1 : 0).toBe(torn);
  });
});
