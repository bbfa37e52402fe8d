import { afterEach, describe, expect, it } from "vitest";
import { setLanguage } from "./i18n.js";
import { learnStationNames, learnVesselNames, subjectLabel, subjectName } from "./subject-names.js";

learnStationNames([
  {
    properties: {
      id: "aq-donre-hue",
      name: "Automatic air-quality station, DONRE",
      name_vi: "Trạm quan trắc không khí tự động - Sở TN&MT",
    },
  },
  { properties: { id: "wq-test", name: "Test station" } },
]);
learnVesselNames([{ id: "TTH-90123-TS", name: "Phú Thuận 01" }]);

describe("subject names", () => {
  afterEach(() => setLanguage("vi"));

  it.each([
    ["vi", "aq-donre-hue", "Trạm quan trắc không khí tự động - Sở TN&MT (aq-donre-hue)"],
    ["en", "aq-donre-hue", "Automatic air-quality station, DONRE (aq-donre-hue)"],
    ["vi", "wq-test", "Test station (wq-test)"], // no Vietnamese name: the English one
    ["en", "TTH-90123-TS", "Phú Thuận 01 (TTH-90123-TS)"],
    ["vi", "TTH-90123-TS", "Phú Thuận 01 (TTH-90123-TS)"],
    ["vi", "unregistered:mmsi:574000123", "unregistered:mmsi:574000123"], // not in the register: the id alone
    ["vi", "gw-lagoon", "gw-lagoon"], // a feed
  ] as const)("%s: %s → %s", (language, id, label) => {
    setLanguage(language);
    expect(subjectLabel(id)).toBe(label);
  });

  it("has no name for an unknown subject, and learns a vessel registered later", () => {
    expect(subjectName("TTH-95555-TS")).toBeUndefined();
    learnVesselNames([{ id: "TTH-95555-TS", name: "Thuận An 05" }]);
    expect(subjectName("TTH-95555-TS")).toBe("Thuận An 05");
  });
});
