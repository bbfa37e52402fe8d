import { describe, expect, it } from "vitest";
import { INTERNAL_PRINCIPAL, type Principal, canPublish, canReceive, canSubscribe } from "./acl.js";

const air: Principal = { id: "air-1", role: "device", kind: "air" };
const vessel: Principal = { id: "TTH-90123-TS", role: "device", kind: "vessel" };
const receiver: Principal = { id: "rx-1", role: "device", kind: "ais-receiver" };
const operator: Principal = { id: "ops", role: "operator" };
const bridge: Principal = { id: "bridge", role: "integration" };

describe("canPublish", () => {
  it.each([
    [air, "ioc/v1/sensors/air-1/data", true],
    [air, "ioc/v1/sensors/air-1/senml", true],
    [air, "ioc/v1/devices/air-1/status", true],
    [air, "ioc/v1/sensors/air-2/data", false],
    [air, "ioc/v1/vessels/air-1/vms", false],
    [air, "ioc/v1/errors/air-1", false],
    [air, "ioc/v1/alerts/env/x", false],
    [air, "$SYS/x", false],
    [vessel, "ioc/v1/vessels/TTH-90123-TS/vms", true],
    [vessel, "ioc/v1/vessels/TTH-90123-TS/naf", true],
    [vessel, "ioc/v1/sensors/TTH-90123-TS/data", false],
    [receiver, "ioc/v1/ais/rx-1/nmea", true],
    [receiver, "ioc/v1/ais/rx-2/nmea", false],
    [operator, "ioc/v1/sensors/air-1/data", false],
    [operator, "ioc/v1/alerts/env/x", false],
    [bridge, "ioc/v1/sensors/anything/data", true],
    [bridge, "site/local/topic", true],
    [bridge, "ioc/v1/errors/air-1", false],
    [bridge, "ioc/v1/errors/bridge", false],
    [bridge, "$SYS/broker", false],
  ] as const)("%o → %s: %s", (principal, topic, allowed) => {
    expect(canPublish(principal, topic).allowed).toBe(allowed);
  });
});

describe("canSubscribe", () => {
  it.each([
    [air, "ioc/v1/errors/air-1", true],
    [air, "ioc/v1/errors/+", false],
    [air, "ioc/v1/errors/air-2", false],
    [air, "ioc/v1/sensors/air-1/data", false],
    [air, "#", false],
    [operator, "ioc/v1/alerts/#", true],
    [operator, "ioc/v1/alerts/env/+", true],
    [operator, "ioc/v1/sensors/+/data", true],
    [operator, "ioc/v1/vessels/#", true],
    [operator, "ioc/v1/+/x/data", false],
    [operator, "ioc/v1/#", false],
    [operator, "ioc/v1/errors/air-1", false],
    [operator, "#", false],
    [operator, "$SYS/#", false],
    [bridge, "#", true],
    [bridge, "ioc/v1/errors/#", true],
    [bridge, "$SYS/#", false],
  ] as const)("%o → %s: %s", (principal, filter, allowed) => {
    expect(canSubscribe(principal, filter).allowed).toBe(allowed);
  });
});

describe("canReceive", () => {
  it("withholds other devices' error topics and nothing else", () => {
    expect(canReceive(bridge, "ioc/v1/errors/air-1")).toBe(false);
    expect(canReceive(bridge, "ioc/v1/errors/bridge")).toBe(true);
    expect(canReceive(bridge, "ioc/v1/sensors/air-1/data")).toBe(true);
  });
});

describe("internal topics (rule partitions between instances)", () => {
  const internal = "ioc/v1/internal/rules/ioc-rules/3";
  it.each([air, operator, bridge])("%o may neither publish nor subscribe there, not even through a wide filter", (principal) => {
    expect(canPublish(principal, internal).allowed).toBe(false);
    expect(canSubscribe(principal, "ioc/v1/internal/#").allowed).toBe(false);
    expect(canSubscribe(principal, internal).allowed).toBe(false);
    expect(canReceive(principal, internal)).toBe(false);
  });
  it("are read by the hub's own sessions only, and nothing else is", () => {
    expect(canSubscribe(INTERNAL_PRINCIPAL, internal).allowed).toBe(true);
    expect(canReceive(INTERNAL_PRINCIPAL, internal)).toBe(true);
    expect(canSubscribe(INTERNAL_PRINCIPAL, "ioc/v1/alerts/#").allowed).toBe(false);
    // A device registered under the same id is not the hub.
    expect(canReceive({ id: INTERNAL_PRINCIPAL.id, role: "integration" }, internal)).toBe(false);
  });
});
