import { describe, expect, it } from "vitest";
import { errorTopicOwner, filterWithin, mayRetain, parseDataTopic, topics } from "./topics.js";

describe("parseDataTopic", () => {
  it.each([
    ["ioc/v1/sensors/hue-air-01/data", { channel: "sensors", subjectId: "hue-air-01", leaf: "data", format: "sensor-json" }],
    ["ioc/v1/sensors/hue-air-01/senml", { channel: "sensors", subjectId: "hue-air-01", leaf: "senml", format: "senml" }],
    ["ioc/v1/vessels/TTH-90123-TS/vms", { channel: "vessels", subjectId: "TTH-90123-TS", leaf: "vms", format: "vms-json" }],
    ["ioc/v1/vessels/TTH-90123-TS/naf", { channel: "vessels", subjectId: "TTH-90123-TS", leaf: "naf", format: "vms-naf" }],
    ["ioc/v1/ais/rx-1/nmea", { channel: "ais", subjectId: "rx-1", leaf: "nmea", format: "ais-nmea" }],
  ])("%s", (topic, expected) => {
    expect(parseDataTopic(topic)).toEqual(expected);
  });

  it.each([
    "ioc/v1/sensors/x/other",
    "ioc/v1/devices/x/status",
    "ioc/v2/sensors/x/data",
    "ioc/v1/sensors/x/data/extra",
    "ioc/v1/sensors//data",
    "ioc/v1/sensors/bad id/data",
    "ioc/v1/sensors/x/constructor",
    "ioc/v1/toString/x/data",
  ])("%s is not a data topic", (topic) => {
    expect(parseDataTopic(topic)).toBeUndefined();
  });
});

describe("filterWithin", () => {
  it.each([
    ["ioc/v1/alerts/#", "ioc/v1/alerts/#", true],
    ["ioc/v1/alerts/env/rule", "ioc/v1/alerts/#", true],
    ["ioc/v1/alerts", "ioc/v1/alerts/#", false],
    ["ioc/v1/+/x", "ioc/v1/alerts/#", false],
    ["#", "ioc/v1/alerts/#", false],
    ["ioc/v1/sensors/+/data", "ioc/v1/sensors/+/data", true],
    ["ioc/v1/sensors/a/data", "ioc/v1/sensors/+/data", true],
    ["ioc/v1/sensors/#", "ioc/v1/sensors/+/data", false],
    ["ioc/v1/sensors/a/data/x", "ioc/v1/sensors/+/data", false],
  ])("%s within %s: %s", (filter, allowed, expected) => {
    expect(filterWithin(filter, allowed)).toBe(expected);
  });
});

describe("errorTopicOwner", () => {
  it("names the device of an error topic only", () => {
    expect(errorTopicOwner(topics.errors("air-1"))).toBe("air-1");
    expect(errorTopicOwner("ioc/v1/errors/air-1/x")).toBeUndefined();
    expect(errorTopicOwner("ioc/v1/sensors/air-1/data")).toBeUndefined();
  });
});

describe("mayRetain", () => {
  it.each([
    ["ioc/v1/devices/air-1/status", true],
    ["ioc/v1/alerts/environment/summary", true],
    ["ioc/v1/alerts/environment/summary/p0-3,8", true],
    ["ioc/v1/alerts/environment/summary/x", false],
    ["ioc/v1/alerts/environment/do-low", false],
    ["ioc/v1/sensors/air-1/data", false],
    [topics.rulePartition("ioc-rules", 2), false],
  ])("%s → %s", (topic, retained) => {
    expect(mayRetain(topic)).toBe(retained);
  });
});
