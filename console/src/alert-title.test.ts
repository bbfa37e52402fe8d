import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { vesselRules } from "../../geofence/rules/registry.js";
import { packageRoot } from "../../hub/package-root.js";
import type { AlertDoc } from "./alert-store.js";
import { alertHeadline, alertTitle } from "./alert-title.js";
import { type Language, formatNumber, setLanguage } from "./i18n.js";
import en from "./locales/en.json";
import vi from "./locales/vi.json";
import { learnZoneNames, zoneName } from "./zone-names.js";

const alert = (rule: string, extra: Partial<AlertDoc> = {}): AlertDoc => ({
  id: 1,
  rule,
  domain: "environment",
  severity: "critical",
  subject: "wq-huong-river-city",
  state: "raised",
  raisedAt: "2026-11-23T00:00:00Z",
  lastSeenAt: "2026-11-23T00:00:00Z",
  occurrences: 1,
  message: "do 2.1 ≤ 3",
  ...extra,
});

learnZoneNames([
  { properties: { id: "zone-long", name: "Inshore (long) fishing zone (approx.)", name_vi: "Vùng lộng (gần đúng)" } },
  { properties: { id: "mpa-hai-van-son-cha", name: "Hai Van - Son Cha MPA" } },
]);

describe("alert titles in the operator's language", () => {
  afterEach(() => setLanguage("vi"));

  it.each<[Language, Partial<AlertDoc> & { rule: string }, string]>([
    ["vi", { rule: "do-low", detail: "do" }, "Oxy hòa tan (DO) thấp"],
    ["en", { rule: "do-low", detail: "do" }, "Dissolved oxygen low"],
    ["vi", { rule: "flat-line", detail: "pm25" }, "Cảm biến đứng giá trị: PM2.5"],
    ["vi", { rule: "index-category", detail: "vn_aqi" }, "Chỉ số VN_AQI ở mức xấu"],
    ["en", { rule: "physical-range", detail: "humidity" }, "Out of physical range, sensor fault: humidity"],
    ["vi", { rule: "zone-transit", domain: "fisheries", zone: "zone-long", detail: "zone-long" }, "Vào Vùng lộng (gần đúng)"],
    [
      "en",
      { rule: "zone-transit", domain: "fisheries", zone: "zone-long", detail: "zone-long" },
      "Entered Inshore (long) fishing zone (approx.)",
    ],
    // A zone without a Vietnamese name is named in English rather than by its id.
    ["vi", { rule: "mpa-intrusion", domain: "fisheries", zone: "mpa-hai-van-son-cha" }, "Xâm nhập khu bảo tồn biển Hai Van - Son Cha MPA"],
    ["vi", { rule: "feed-outage", domain: "system", subject: "gw-lagoon" }, "Mất đường truyền của các trạm quan trắc"],
  ])("%s: %o → %s", (language, fields, title) => {
    setLanguage(language);
    expect(alertTitle(alert(fields.rule, fields))).toBe(title);
  });

  it("falls back to the hub's message for a rule of the centre's own config, and to the id for an unknown zone or quantity", () => {
    expect(alertTitle(alert("nh4-high-lagoon"))).toBeUndefined();
    expect(alertHeadline(alert("nh4-high-lagoon"))).toBe("do 2.1 ≤ 3");
    expect(alertHeadline(alert("do-low"))).toBe("Oxy hòa tan (DO) thấp: do 2.1 ≤ 3");
    expect(zoneName("zone-unknown")).toBe("zone-unknown");
    expect(alertTitle(alert("flat-line", { detail: "chlorophyll_x" }))).toBe("Cảm biến đứng giá trị: chlorophyll_x");
  });

  it("has a title in both languages for every rule the hub ships, and the same keys in both catalogues", () => {
    const defaults = JSON.parse(readFileSync(join(packageRoot, "alerts", "default-rules.json"), "utf8")) as { sensor: { id: string }[] };
    const shipped = [
      ...defaults.sensor.map((e) => e.id),
      ...vesselRules.map((r) => r.id),
      "provider-outage",
      "feed-outage",
      "adapter-down",
    ];
    for (const id of shipped) {
      expect(vi, id).toHaveProperty([`rule.${id}`]);
      expect(en, id).toHaveProperty([`rule.${id}`]);
    }
    expect(Object.keys(en).sort()).toEqual(Object.keys(vi).sort());
  });

  it("writes numbers the Vietnamese way in Vietnamese", () => {
    expect(formatNumber(1.5)).toBe("1,5");
    setLanguage("en");
    expect(formatNumber(1.5)).toBe("1.5");
  });
});
