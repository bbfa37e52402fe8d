import { afterEach, describe, expect, it } from "vitest";
import { evidenceText } from "./evidence-list.js";
import { setLanguage } from "./i18n.js";
import { learnVesselNames } from "./subject-names.js";

learnVesselNames([{ id: "TTH-B", name: "Phú Thuận 02" }]);

describe("an alert's evidence", () => {
  afterEach(() => setLanguage("vi"));

  it.each([
    [
      "vi",
      "a fix of the alert's own vessel, heard by a receiver",
      { vessel: "TTH-A", time: "2026-11-23T00:05:00.000Z", lat: 16.52, lon: 107.95, sogKn: 2.5, source: "ais", receiver: "rx-thuan-an" },
      "07:05:00 23/11/2026 · 16.5200° N, 107.9500° E · 2,5 hải lý/giờ · AIS · rx-thuan-an",
    ],
    [
      "en",
      "the other vessel of an encounter, named from the register",
      { vessel: "TTH-B", time: "2026-11-23T02:00:00.000Z", lat: 17.302, lon: 108.3, sogKn: 1 },
      "23/11/2026, 09:00:00 · Phú Thuận 02 (TTH-B) · 17.3020° N, 108.3000° E · 1 kn",
    ],
    [
      "en",
      "a VMS report with its terminal",
      {
        vessel: "TTH-A",
        time: "2026-11-23T00:00:00.000Z",
        lat: 16.1,
        lon: 108.2,
        cogDeg: 45,
        source: "vms",
        vmsDeviceId: "VMS-0042",
        mmsi: 574000123,
      },
      "23/11/2026, 07:00:00 · 16.1000° N, 108.2000° E · 45° · VMS VMS-0042 · MMSI 574000123",
    ],
    [
      "vi",
      "a reading behind an environment alert",
      { time: "2026-11-23T00:00:00.000Z", do: 2.1 },
      "07:00:00 23/11/2026 · oxy hòa tan (DO): 2,1",
    ],
  ] as const)("%s: %s", (language, _name, entry, text) => {
    setLanguage(language);
    expect(evidenceText(entry, "TTH-A")).toBe(text);
  });
});
