// The simulators' AIS encoder round-trips: its sentences decode — with the hub's decoder, and with
// gpsd's `gpsdecode` (installed by the setup script) — to the same MMSI, position (to the encoding
// resolution of 1/10,000 minute), speed, course, heading, name and callsign.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { AisStreamDecoder } from "../ingest/decoders/ais/ais-stream.js";
import { classAPosition, classAStatic, classBPosition, classBStatic, sentences } from "./ais-encoder.js";

const position = { mmsi: 574123456, lat: 16.567891, lon: 107.654321, sogKn: 7.3, cogDeg: 123.4, headingDeg: 122, navStatus: 7, second: 42 };
const ship = {
  mmsi: 574123456,
  name: "TTH 90123 PHU THUAN",
  callsign: "XVAB7",
  shipType: 30,
  lengthM: 16.5,
  beamM: 5,
  destination: "THUAN AN",
};

const lines = [
  ...sentences(classAPosition(position), "A", 0, { receiver: "rx-chan-may", unixTimeS: 1795400000 }),
  ...sentences(
    classAPosition(
      { ...position, mmsi: 574000001, lat: -33.5, lon: -70.25, sogKn: undefined, cogDeg: undefined, headingDeg: undefined },
      3,
    ),
    "B",
    0,
  ),
  ...sentences(classBPosition({ ...position, mmsi: 574555666, sogKn: 2.1 }), "A", 0),
  ...sentences(classAStatic(ship), "B", 3),
  ...classBStatic({ ...ship, mmsi: 574555666, name: "TTH 90456", callsign: "XVCD9" }).flatMap((w, i) => sentences(w, "A", i)),
];

describe("AIS encoder", () => {
  it("writes valid sentences: checksums, a two-sentence type 5, fill bits, a tag block", () => {
    for (const line of lines)
      expect(line).toMatch(/^(\\s:[^*]+\*[0-9A-F]{2}\\)?!AIVDM,\d,\d,\d?,[AB],[0-9:;<=>?@A-W`a-w]+,[0-5]\*[0-9A-F]{2}$/);
    const type5 = sentences(classAStatic(ship), "B", 3);
    expect(type5).toHaveLength(2);
    expect(type5[0]).toMatch(/^!AIVDM,2,1,3,B,/);
    expect(type5[1]).toMatch(/^!AIVDM,2,2,3,B,.*,2\*/);
  });

  it("round-trips through the hub's decoder", () => {
    const decoder = new AisStreamDecoder();
    const messages = lines.flatMap((line, i) => decoder.push(line, i + 1, 0).messages.map((m) => m.message));
    // Type 24 parts A and B come out as one message, as gpsd pairs them.
    expect(messages.map((m) => m.type)).toEqual([1, 3, 18, 5, 24]);
    const [a, b, c, five] = messages as Record<string, unknown>[];
    expect(a).toMatchObject({ mmsi: 574123456, speed: 7.3, course: 123.4, heading: 122, status: 7, second: 42 });
    expect(a?.lat as number).toBeCloseTo(16.567891, 5);
    expect(a?.lon as number).toBeCloseTo(107.654321, 5);
    expect(b).toMatchObject({ mmsi: 574000001, lat: expect.closeTo(-33.5, 5), lon: expect.closeTo(-70.25, 5) });
    expect(c).toMatchObject({ mmsi: 574555666, speed: 2.1 });
    expect(five).toMatchObject({
      mmsi: 574123456,
      shipname: "TTH 90123 PHU THUAN",
      callsign: "XVAB7",
      shiptype: 30,
      destination: "THUAN AN",
    });
    expect(messages[4]).toMatchObject({ mmsi: 574555666, shipname: "TTH 90456", callsign: "XVCD9", shiptype: 30 });
  });

  it("round-trips through gpsd's gpsdecode", () => {
    const run = spawnSync("gpsdecode", ["-j"], { input: `${lines.join("\n")}\n`, encoding: "utf8" });
    if (run.error) {
      // Only when gpsd-clients is missing; scripts/install-system-deps.sh installs it.
      expect((run.error as NodeJS.ErrnoException).code).toBe("ENOENT");
      return;
    }
    const decoded = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(decoded.map((d) => d.type)).toEqual([1, 3, 18, 5, 24]);
    const [a, b, c, five, type24] = decoded;
    expect(a).toMatchObject({ mmsi: 574123456, speed: 7.3, course: 123.4, heading: 122, second: 42 });
    expect(a?.lat as number).toBeCloseTo(16.567891, 5);
    expect(a?.lon as number).toBeCloseTo(107.654321, 5);
    expect(b?.lat as number).toBeCloseTo(-33.5, 5);
    expect(c).toMatchObject({ mmsi: 574555666, speed: 2.1 });
    expect(five).toMatchObject({
      mmsi: 574123456,
      shipname: "TTH 90123 PHU THUAN",
      callsign: "XVAB7",
      shiptype: 30,
      destination: "THUAN AN",
    });
    expect(type24).toMatchObject({ mmsi: 574555666, shipname: "TTH 90456", callsign: "XVCD9", shiptype: 30 });
  });
});
