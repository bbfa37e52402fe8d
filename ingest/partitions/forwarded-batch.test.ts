import { describe, expect, it } from "vitest";
import type { Envelope } from "../envelope.js";
import type { Observation } from "../observation.js";
import { decodeForwardedBatch, encodeForwardedBatch } from "./forwarded-batch.js";

const envelope: Envelope = {
  via: "mqtt",
  format: "ais-nmea",
  deviceId: "rx-hue-01",
  deviceKind: "ais-receiver",
  subjectId: "rx-hue-01",
  topic: "ioc/v1/ais/rx-hue-01/nmea",
  receivedAt: 1_790_000_000_123,
  bytes: Buffer.from("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23"),
  options: { layout: "x" },
};
const observations: Observation[] = [
  {
    type: "vessel_position",
    vessel: "TTH-90123-TS",
    mmsi: 574000001,
    source: "ais",
    receiver: "rx-hue-01",
    timeMs: 1_790_000_000_000,
    lat: 16.61,
    lon: 107.72,
    sogKn: 4.2,
  },
];

describe("forwarded batches", () => {
  it("carry each message's observations and envelope fields, in order, never the raw bytes", () => {
    const second = { ...envelope, receivedAt: envelope.receivedAt + 1 };
    const text = encodeForwardedBatch([
      { envelope, observations },
      { envelope: second, observations: [] },
    ]);
    expect(text).not.toContain("AIVDM");
    const decoded = decodeForwardedBatch(Buffer.from(text));
    expect(decoded).toEqual([
      { observations, envelope: { ...envelope, options: undefined, bytes: Buffer.alloc(0) } },
      { observations: [], envelope: { ...second, options: undefined, bytes: Buffer.alloc(0) } },
    ]);
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["another version", JSON.stringify({ v: 2, items: [] }), /version 1/],
    ["no items", JSON.stringify({ v: 1 }), /items is not a list/],
    ["no envelope", JSON.stringify({ v: 1, items: [{ observations: [] }] }), /item 0: envelope missing/],
    [
      "observations not a list",
      JSON.stringify({ v: 1, items: [{ envelope: { deviceId: "d", receivedAt: 1 }, observations: {} }] }),
      /not a list/,
    ],
    [
      "an unknown observation",
      JSON.stringify({ v: 1, items: [{ envelope: { deviceId: "d", receivedAt: 1 }, observations: [{ type: "x", timeMs: 1 }] }] }),
      /no known type/,
    ],
  ])("refuses %s with a reason", (_name, text, reason) => {
    const decoded = decodeForwardedBatch(Buffer.from(text));
    expect("error" in decoded && decoded.error).toMatch(reason);
  });
});
