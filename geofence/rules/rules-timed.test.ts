// Table tests for the vessel rules added with the alert lifecycle: zone entry/exit with hysteresis,
// going dark (timer, in port or at sea, escalation steps, provider outages), encounters, loitering and
// fixes on land, on hand-made tracks around the shipped Huế zones and coast.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import { type DowntimePeriod, downtimeIn, timerClock } from "../../alerts/timer-clock.js";
import { packageRoot } from "../../hub/package-root.js";
import type { VesselPosition } from "../../ingest/observation.js";
import { FleetPositions } from "../fleet-positions.js";
import { Land } from "../land.js";
import { VesselRuleEngine } from "../rule-engine.js";
import { loadZones } from "../zone-files.js";
import { ZoneIndex } from "../zone-index.js";
import { testBox } from "../../test/support/test-box.js";
import { zoneFromFeature } from "../zone.js";
import { providersOut } from "./dark-outage.js";
import { encounter } from "./encounter.js";
import { type GoingDarkConfig, type GoingDarkState, goingDark } from "./going-dark.js";
import { loitering } from "./loitering.js";
import { positionJump } from "./position-jump.js";
import type { RuleContext, VesselRule } from "./vessel-rule.js";
import { zoneTransit } from "./zone-transit.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;
const HOUR = 60 * MIN;

const hueZones = new ZoneIndex(loadZones(join(packageRoot, "zones")));
const land = Land.fromFile(join(packageRoot, "geofence", "land", "hue-land.geojson"), () => hueZones);

const square = zoneFromFeature(testBox({ id: "box", name: "Test box", kind: "custom" }));
const boxZones = new ZoneIndex([square]);

function fix(vessel: string, minute: number, lat: number, lon: number, sogKn?: number, receiver?: string): VesselPosition {
  return {
    type: "vessel_position",
    vessel,
    source: "vms",
    timeMs: T0 + minute * MIN,
    lat,
    lon,
    ...(sogKn !== undefined && { sogKn }),
    ...(receiver !== undefined && { receiver }),
  };
}

function run(
  // biome-ignore lint/suspicious/noExplicitAny: a table of rules of different config and state types.
  rule: VesselRule<any, any>,
  positions: VesselPosition[],
  context: RuleContext,
  config: unknown = rule.defaults,
): AlertTransition[] {
  let state = rule.initial();
  const out: AlertTransition[] = [];
  for (const p of positions) {
    const r = rule.step(config, state, p, context);
    state = r.state;
    out.push(...r.transitions);
  }
  return out;
}

const states = (ts: AlertTransition[]) => ts.map((t) => `${t.state}${t.detail ? `:${t.detail}` : ""}`);

describe("zone-transit", () => {
  it.each([
    [
      "a vessel sailing along the edge, in and out by 10 m every fix: no event",
      [16.4999, 16.5001, 16.4999, 16.5001, 16.4999, 16.5001].map((lat, i) => fix("v", i, lat, 107.95, 6)),
      [],
    ],
    [
      "zig-zagging across the edge on the way in, staying, zig-zagging on the way out: one entry, one exit, not twenty",
      [
        16.4998, 16.5002, 16.4998, 16.5002, 16.4998, 16.5003, 16.5004, 16.52, 16.55, 16.52, 16.5002, 16.4998, 16.5002, 16.4998, 16.4997,
        16.4996,
      ].map((lat, i) => fix("v", i, lat, 107.95, 3)),
      ["raised:box", "cleared:box"],
    ],
    [
      "two fixes inside near the edge: one entry",
      [16.499, 16.5002, 16.5003, 16.5004].map((lat, i) => fix("v", i, lat, 107.95, 6)),
      ["raised:box"],
    ],
    [
      "one fix well inside (over 50 m from the edge): entry at once; leaving the same way",
      [fix("v", 0, 16.45, 107.95), fix("v", 5, 16.55, 107.95), fix("v", 10, 16.7, 107.95)],
      ["raised:box", "cleared:box"],
    ],
  ])("%s", (_, positions, expected) => {
    expect(states(run(zoneTransit, positions, { zones: boxZones }))).toEqual(expected);
  });
});

describe("going-dark", () => {
  // Offshore of Thuận An (at sea) and inside the Thuận An port zone.
  const atSea = [16.75, 107.7] as const;
  const inPort = [16.556, 107.6401] as const;

  function dark(
    lengthM: number | undefined,
    where: readonly [number, number],
    ticksH: number[],
    vessel = "TTH-1",
    config: GoingDarkConfig = goingDark.defaults,
    /** Hours the hub itself was down. */
    hubDown: [number, number][] = [],
    /** Hour at which a provider outage that covered the vessel ended. */
    outageEndedH?: number,
  ): string[] {
    const downtime = downtimeIn(hubDown.map(([from, to]) => ({ fromMs: T0 + from * HOUR, toMs: T0 + to * HOUR })));
    const context: RuleContext = { zones: hueZones, vesselLengthM: () => lengthM };
    const first = goingDark.step(config, goingDark.initial(), fix(vessel, 0, where[0], where[1]), context);
    let state: GoingDarkState = outageEndedH === undefined ? first.state : { ...first.state, excusedUntilMs: T0 + outageEndedH * HOUR };
    const out: string[] = [];
    for (const h of ticksH) {
      const r = goingDark.tick?.(config, state, timerClock(T0 + h * HOUR, downtime), vessel, context);
      if (!r) throw new Error("going-dark has a tick");
      state = r.state;
      out.push(...r.transitions.map((t) => `${h}h:${t.state}:${t.severity}`));
    }
    return out;
  }

  it.each([
    [
      "a 26 m vessel (2 h interval) at sea: late at 3 h, lost at 6 h, a day, 10 days",
      26,
      atSea,
      [1, 2.9, 3, 5, 6, 12, 24, 100, 240, 300],
      ["3h:raised:warning", "6h:raised:critical", "24h:raised:critical", "240h:raised:critical"],
    ],
    ["an 18 m vessel (3 h interval): late at 4.5 h", 18, atSea, [3, 4.4, 4.5, 6], ["4.5h:raised:warning", "6h:raised:critical"]],
    ["a vessel registered without a length, e.g. AIS-only (1 h): late at 1.5 h", undefined, atSea, [1, 1.5], ["1.5h:raised:warning"]],
    ["a vessel whose last fix was in port: never dark", 26, inPort, [3, 6, 24, 300], []],
  ] as const)("%s", (_, lengthM, where, ticks, expected) => {
    expect(dark(lengthM, where, [...ticks])).toEqual(expected);
  });

  it.each([
    [
      "an 18 m vessel (3 h interval), no outage: late at 4.5 h, lost at 6 h",
      undefined,
      [4.5, 6],
      ["4.5h:raised:warning", "6h:raised:critical"],
    ],
    [
      "the same, its provider out until 5 h: late 4.5 h after that, lost 6 h after",
      5,
      [4.5, 6, 9.4, 9.5, 10.9, 11],
      ["9.5h:raised:warning", "11h:raised:critical"],
    ],
    ["an outage that ended before the vessel's last fix counts for nothing", -1, [4.5], ["4.5h:raised:warning"]],
  ] as const)("its silence counts from the end of a provider outage that covered it: %s", (_, endedH, ticks, expected) => {
    expect(dark(18, atSea, [...ticks], "TTH-1", goingDark.defaults, [], endedH)).toEqual(expected);
  });

  const passing = "unregistered:477123456"; // a Hong Kong-flagged ship the register does not know
  const judgeAll: GoingDarkConfig = { ...goingDark.defaults, unregisteredTransmitters: true };
  it.each([
    ["a transmitter the register does not know: not judged (it may just have sailed out of range)", goingDark.defaults, []],
    ["the same with unregisteredTransmitters: the late warning at 1.5 h, never the escalation steps", judgeAll, ["1.5h:raised:warning"]],
  ] as const)("%s", (_, config, expected) => {
    expect(dark(undefined, atSea, [1, 1.5, 6, 24, 240, 300], passing, config)).toEqual(expected);
  });

  it("keeps the last fix heard, at its own time and with who heard it, as the evidence of a vessel gone dark", () => {
    const context: RuleContext = { zones: hueZones, vesselLengthM: () => 26 };
    const { state } = goingDark.step(goingDark.defaults, goingDark.initial(), fix("TTH-1", 30, ...atSea, 6, "rx-thuan-an"), context);
    const late = goingDark.tick?.(goingDark.defaults, state, timerClock(T0 + 4 * HOUR), "TTH-1", context);
    expect(late?.transitions.map((t) => [t.timeMs, t.evidence])).toEqual([
      [T0 + 4 * HOUR, [{ vessel: "TTH-1", time: "2026-11-23T00:30:00.000Z", lat: atSea[0], lon: atSea[1], receiver: "rx-thuan-an" }]],
    ]);
  });

  it("clears an alert of an unregistered transmitter once the rule no longer judges it", () => {
    const context: RuleContext = { zones: hueZones };
    let state = goingDark.step(judgeAll, goingDark.initial(), fix(passing, 0, ...atSea), context).state;
    const late = goingDark.tick?.(judgeAll, state, timerClock(T0 + 2 * HOUR), passing, context);
    expect(late?.transitions.map((t) => t.state)).toEqual(["raised"]);
    state = late?.state ?? state;
    const after = goingDark.tick?.(goingDark.defaults, state, timerClock(T0 + 3 * HOUR), passing, context);
    expect(after?.transitions.map((t) => [t.state, t.message])).toEqual([
      ["cleared", "not judged: the register does not know this transmitter"],
    ]);
    expect(goingDark.tick?.(goingDark.defaults, after?.state ?? state, timerClock(T0 + 30 * HOUR), passing, context)?.transitions).toEqual(
      [],
    );
  });

  it("counts only the vessels it judges when it decides a provider is out: a receiver that also hears passing ships", () => {
    const emitted: AlertTransition[] = [];
    const timed = (t: AlertTransition) => (t.rule === "going-dark" || t.rule === "provider-outage") && emitted.push(t);
    const engine = new VesselRuleEngine(() => hueZones, timed, undefined, {
      vesselLengthM: (v) => (v.startsWith("TTH-") ? 20 : undefined),
    });
    // 6 of the province's vessels and 10 passing ships, all last heard by one coastal receiver.
    for (let i = 0; i < 6; i++) engine.observe(fix(`TTH-${i}`, 0, 16.75 + i * 0.01, 107.7, 3, "rx-thuan-an"));
    for (let i = 0; i < 10; i++)
      engine.observe(fix(`unregistered:4771234${String(i).padStart(2, "0")}`, 0, 16.9, 107.6 + i * 0.01, 12, "rx-thuan-an"));
    engine.tick(T0 + MIN); // a round while they were being heard
    engine.tick(T0 + 5 * HOUR);
    // 6 of 6 judged vessels silent, not 6 of 16: one outage, no fisheries alert, nothing for the ships.
    expect(emitted.map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual(["provider-outage:rx-thuan-an:raised"]);
  });

  it.each([
    [
      "the hub down from 2 h to 4 h after a 26 m vessel's last fix: late at 5 h, lost at 8 h",
      [[2, 4]],
      [3, 4.5, 5, 7.9, 8],
      ["5h:raised:warning", "8h:raised:critical"],
    ],
    [
      "the hub down twice, 1 h each: late at 5 h",
      [
        [0.5, 1.5],
        [2, 3],
      ],
      [3, 4.9, 5],
      ["5h:raised:warning"],
    ],
    [
      "a downtime that began before the last fix (which reached the hub later, from a buffer): the silence is the vessel's",
      [[-1, 2]],
      [3, 6],
      ["3h:raised:warning", "6h:raised:critical"],
    ],
  ] as const)("time the hub itself was down is not silence: %s", (_, hubDown, ticks, expected) => {
    expect(
      dark(
        26,
        atSea,
        [...ticks],
        "TTH-1",
        goingDark.defaults,
        hubDown.map(([a, b]) => [a, b]),
      ),
    ).toEqual(expected);
  });

  it("says in the alert how much of the silence the hub itself was down", () => {
    const context: RuleContext = { zones: hueZones, vesselLengthM: () => 26 };
    const state = goingDark.step(goingDark.defaults, goingDark.initial(), fix("TTH-1", 0, 16.75, 107.7, 3, "rx-thuan-an"), context).state;
    const downtime = downtimeIn([{ fromMs: T0 + HOUR, toMs: T0 + 3 * HOUR }]);
    const late = goingDark.tick?.(goingDark.defaults, state, timerClock(T0 + 5 * HOUR, downtime), "TTH-1", context);
    expect(late?.transitions.map((t) => [t.state, t.value, t.message])).toEqual([
      ["raised", 3, "no position for 5.0 h at sea (late); last heard by rx-thuan-an; not counting the 2.0 h the hub itself was down"],
    ]);
  });

  it("does not take a vessel whose buffered reports are being delivered for dark: a round judges only vessels with nothing newer since the last", () => {
    const emitted: AlertTransition[] = [];
    const engine = new VesselRuleEngine(
      () => hueZones,
      (t) => t.rule === "going-dark" && emitted.push(t),
      undefined,
      {
        vesselLengthM: () => 26,
      },
    );
    engine.observe(fix("TTH-1", 0, 16.75, 107.7, 3, "vms-gateway-1"));
    engine.tick(T0 + MIN);
    // The gateway was cut off for 5 h; from then on it delivers the hourly reports it buffered, with
    // timer rounds in between, up to the current one.
    for (let h = 1; h <= 5; h++) {
      engine.observe(fix("TTH-1", h * 60, 16.75 + h * 0.01, 107.7, 3, "vms-gateway-1"));
      engine.tick(T0 + 5 * HOUR + h * MIN);
    }
    engine.tick(T0 + 5 * HOUR + 10 * MIN);
    expect(emitted).toEqual([]);
    // Silent for good from then: late at 3 h after its last report.
    engine.tick(T0 + 8 * HOUR);
    expect(emitted.map((t) => `${t.state}:${t.severity}`)).toEqual(["raised:warning"]);
  });

  it("a hub restarted after a long downtime raises neither going dark nor a provider outage for the silence it could not hear", () => {
    const emitted: AlertTransition[] = [];
    const timed = (t: AlertTransition) => (t.rule === "going-dark" || t.rule === "provider-outage") && emitted.push(t);
    const down: DowntimePeriod[] = [{ fromMs: T0 + 10 * MIN, toMs: T0 + 5 * HOUR }];
    const engine = new VesselRuleEngine(() => hueZones, timed, undefined, { vesselLengthM: () => 20, downtime: downtimeIn(down) });
    for (let i = 0; i < 6; i++) engine.observe(fix(`TTH-${i}`, 0, 16.75 + i * 0.01, 107.7, 3, "vms-gateway-1"));
    engine.observe(fix("TTH-9", 0, 16.8, 107.8, 3, "rx-other"));
    engine.tick(T0 + 5 * HOUR + MIN);
    expect(emitted).toEqual([]);
    // Silent for 4.5 h while the hub was up (20 m: a 3 h interval, late at 4.5 h): now judged as usual.
    engine.tick(T0 + 9 * HOUR + 20 * MIN);
    expect(emitted.map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual([
      "provider-outage:vms-gateway-1:raised",
      "going-dark:TTH-9:raised",
    ]);
  });

  it("clears when the vessel reports again", () => {
    const context: RuleContext = { zones: hueZones, vesselLengthM: () => 26 };
    let state = goingDark.step(goingDark.defaults, goingDark.initial(), fix("TTH-1", 0, 16.75, 107.7), context).state;
    state = goingDark.tick?.(goingDark.defaults, state, timerClock(T0 + 4 * HOUR), "TTH-1", context)?.state ?? state;
    const back = goingDark.step(goingDark.defaults, state, fix("TTH-1", 5 * 60, 16.76, 107.7), context);
    expect(back.transitions.map((t) => [t.state, t.message])).toEqual([["cleared", "reporting again after 5.0 h"]]);
  });

  it.each([
    ["6 of 8 vessels of one gateway go dark together, nothing heard for 3 h: outage", [6, 8, 180], ["gw-1"]],
    ["4 vessels go dark together: below the minimum of 5", [4, 4, 180], []],
    ["6 of 40 vessels: a minority, each judged on its own", [6, 40, 180], []],
    ["6 of 8, but the gateway relayed another vessel 10 min ago: it is up", [6, 8, 10], []],
    ["6 of 8, nothing heard for 3 h, but the hub itself was down for 2 h 40 min of it: not quiet", [6, 8, 180, 160], []],
  ] as const)("provider outage: %s", (_, [dark, heard, quietMin, downMin], expected) => {
    const going = Array.from({ length: dark }, (_, i) => ({ vessel: `v${i}`, provider: "gw-1" }));
    const now = T0 + 10 * HOUR;
    const clock = timerClock(now, downtimeIn(downMin ? [{ fromMs: now - downMin * MIN, toMs: now }] : []));
    const out = providersOut(going, new Map([["gw-1", heard]]), new Map([["gw-1", now - quietMin * MIN]]), clock, {
      minVessels: 5,
      minFraction: 0.5,
      activeHours: 24,
      quietMinutes: 30,
    });
    expect([...out]).toEqual(expected);
  });

  it("forgets an unregistered transmitter silent past forgetUnregisteredAfterMs, saved state included, and keeps the register's vessels", () => {
    const emitted: AlertTransition[] = [];
    const engine = new VesselRuleEngine(
      () => hueZones,
      (t) => emitted.push(t),
      undefined,
      { forgetUnregisteredAfterMs: 264 * HOUR },
    );
    engine.observe(fix("unregistered:574000001", 0, 16.75, 107.7, 12, "ais-rx-1"));
    engine.observe(fix("unregistered:574000002", 0, 16.76, 107.7, 12, "ais-rx-1"));
    engine.observe(fix("TTH-90001", 0, 16.77, 107.7, 12, "ais-rx-1"));
    engine.takeChanges();
    // Still within the time: nothing is forgotten (going dark judges the registered vessel only).
    engine.tick(T0 + 240 * HOUR);
    expect(engine.vessels).toBe(3);
    // One transmitter is heard again late on; the other and the registered vessel stay silent past 264 h.
    engine.observe(fix("unregistered:574000002", 200 * 60, 16.76, 107.71, 12, "ais-rx-1"));
    engine.takeChanges();
    emitted.length = 0;
    engine.tick(T0 + 265 * HOUR);
    expect(engine.vessels).toBe(2);
    const ofForgotten = () => emitted.filter((t) => t.subject === "unregistered:574000001");
    expect(ofForgotten()).toEqual([]); // forgetting raises and clears nothing
    // Every saved key of the forgotten transmitter is deleted with the next save (undefined = delete).
    const changes = engine.takeChanges().filter(([key]) => key.endsWith("/unregistered:574000001"));
    expect(changes.length).toBeGreaterThan(1);
    expect(changes.map(([key]) => key)).toContain("last/unregistered:574000001");
    expect(changes.every(([, state]) => state === undefined)).toBe(true);
    // Heard again after being forgotten: a new vessel to the rules, with no alert from its silence.
    engine.observe(fix("unregistered:574000001", 266 * 60, 16.75, 107.7, 12, "ais-rx-1"));
    expect(engine.vessels).toBe(3);
    expect(ofForgotten().filter((t) => t.rule === "going-dark")).toEqual([]);
  });

  it("counts a provider's return from when its first fix after the outage arrived, when that fix was buffered", () => {
    const emitted: AlertTransition[] = [];
    const timed = (t: AlertTransition) => (t.rule === "going-dark" || t.rule === "provider-outage") && emitted.push(t);
    const engine = new VesselRuleEngine(() => hueZones, timed, undefined, { vesselLengthM: () => 20 });
    for (let i = 0; i < 6; i++) engine.observe(fix(`TTH-${i}`, 0, 16.75 + i * 0.01, 107.7, 3, "vms-gateway-1"));
    engine.tick(T0 + MIN);
    engine.tick(T0 + 5 * HOUR);
    expect(emitted.map((t) => `${t.rule}:${t.state}`)).toEqual(["provider-outage:raised"]);
    emitted.length = 0;
    // Back at 9 h, the gateway first delivers what it buffered: TTH-0's fix of 6 h.
    engine.observe(fix("TTH-0", 6 * 60, 16.75, 107.7, 3, "vms-gateway-1"), { receivedAt: T0 + 9 * HOUR });
    engine.observe(fix("TTH-0", 11 * 60, 16.75, 107.7, 3, "vms-gateway-1"), { receivedAt: T0 + 11 * HOUR });
    engine.tick(T0 + 11 * HOUR + MIN);
    engine.observe(fix("TTH-0", 13 * 60 + 15, 16.75, 107.7, 3, "vms-gateway-1"), { receivedAt: T0 + 13 * HOUR + 15 * MIN });
    engine.tick(T0 + 13 * HOUR + 29 * MIN);
    // Late 4.5 h after the 9 h arrival (not after the 6 h fix, which would be 10.5 h).
    expect(emitted.map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual(["provider-outage:vms-gateway-1:cleared"]);
    engine.tick(T0 + 13.5 * HOUR);
    expect(emitted.slice(1).map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual([
      "going-dark:TTH-1:raised",
      "going-dark:TTH-2:raised",
      "going-dark:TTH-3:raised",
      "going-dark:TTH-4:raised",
      "going-dark:TTH-5:raised",
    ]);
    expect(emitted[1]?.message).toContain("; not counting the 9.0 h vms-gateway-1 was out");
  });

  it("raises one system alert when a provider's vessels go silent together, and judges them singly once it is back, from its return on", () => {
    const emitted: AlertTransition[] = [];
    const timed = (t: AlertTransition) => (t.rule === "going-dark" || t.rule === "provider-outage") && emitted.push(t);
    const engine = new VesselRuleEngine(() => hueZones, timed, undefined, { vesselLengthM: () => 20 });
    for (let i = 0; i < 6; i++) engine.observe(fix(`TTH-${i}`, 0, 16.75 + i * 0.01, 107.7, 3, "vms-gateway-1"));
    engine.observe(fix("TTH-9", 0, 16.8, 107.8, 3, "rx-other"));
    engine.tick(T0 + MIN); // a round while they were being heard
    engine.tick(T0 + 5 * HOUR);
    expect(emitted.map((t) => [t.rule, t.domain, t.subject, t.state])).toEqual([
      ["provider-outage", "system", "vms-gateway-1", "raised"],
      ["going-dark", "fisheries", "TTH-9", "raised"],
    ]);
    emitted.length = 0;
    engine.tick(T0 + 7 * HOUR);
    expect(emitted.map((t) => [t.rule, t.subject])).toEqual([["going-dark", "TTH-9"]]);
    // The gateway is back (one vessel heard through it): the outage clears. The vessels still silent
    // could not be heard while it was out, and report every 3 h (20 m): each is judged singly, its
    // silence counted from the gateway's return — late 4.5 h after it, not at once.
    emitted.length = 0;
    engine.observe(fix("TTH-0", 8 * 60, 16.75, 107.7, 3, "vms-gateway-1"));
    engine.tick(T0 + 8 * HOUR + MIN);
    expect(emitted.map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual(["provider-outage:vms-gateway-1:cleared"]);
    emitted.length = 0;
    // The gateway goes on relaying TTH-0 (last 15 min before the round below), so it is up: the others are silent on their own.
    engine.observe(fix("TTH-0", 10 * 60, 16.75, 107.7, 3, "vms-gateway-1"));
    engine.tick(T0 + 10 * HOUR + MIN);
    engine.observe(fix("TTH-0", 12 * 60 + 15, 16.75, 107.7, 3, "vms-gateway-1"));
    engine.tick(T0 + 12 * HOUR + 16 * MIN);
    expect(emitted).toEqual([]);
    engine.tick(T0 + 12.5 * HOUR);
    expect(emitted[0]?.message).toBe(
      "no position for 12.5 h at sea (late); last heard by vms-gateway-1; not counting the 8.0 h vms-gateway-1 was out",
    );
    expect(emitted.map((t) => `${t.rule}:${t.subject}:${t.state}`)).toEqual([
      "going-dark:TTH-1:raised",
      "going-dark:TTH-2:raised",
      "going-dark:TTH-3:raised",
      "going-dark:TTH-4:raised",
      "going-dark:TTH-5:raised",
    ]);
    // The state of one subject can be taken alone (saved right after its transitions).
    const ofVessel = engine.takeChangesOf(new Set(["TTH-1"]));
    expect(ofVessel.length).toBeGreaterThan(0);
    expect(ofVessel.every(([key]) => key.endsWith("/TTH-1"))).toBe(true);
    const ofGateway = engine.takeChangesOf(new Set(["vms-gateway-1"]));
    expect(ofGateway.map(([key]) => key)).toContain("outage/vms-gateway-1");
    // State survives a restart: the same engine state restored raises nothing new.
    const saved = [...ofVessel, ...ofGateway, ...engine.takeChanges()];
    const again: AlertTransition[] = [];
    const restarted = new VesselRuleEngine(
      () => hueZones,
      (t) => t.rule === "going-dark" && again.push(t),
      undefined,
      { vesselLengthM: () => 20 },
    );
    restarted.restore(JSON.parse(JSON.stringify(saved)));
    restarted.tick(T0 + 12.5 * HOUR + 2 * MIN);
    expect(again).toEqual([]);
  });
});

describe("encounter and loitering", () => {
  // Far offshore (≥ 20 nm from the coast and ≥ 10 km from any port).
  const lat = 17.3;
  const lon = 108.3;

  it("raises one encounter for two slow vessels side by side for 2 h (A first sees B at 0:10), and clears when they part", () => {
    const fleet = new FleetPositions();
    const context: RuleContext = { zones: hueZones, fleet };
    const rule = encounter;
    let a = rule.initial();
    let b = rule.initial();
    const out: AlertTransition[] = [];
    for (let m = 0; m <= 150; m += 10) {
      for (const [vessel, dLat] of [
        ["TTH-A", 0],
        ["TTH-B", 0.002],
      ] as const) {
        const p = fix(vessel, m, lat + dLat, lon, 1);
        const r = rule.step(rule.defaults, vessel === "TTH-A" ? a : b, p, context);
        if (vessel === "TTH-A") a = r.state;
        else b = r.state;
        out.push(...r.transitions);
        fleet.update({ vessel, timeMs: p.timeMs, lat: p.lat, lon: p.lon, sogKn: 1 });
      }
    }
    // They part: B sails away fast; A's next fixes after the gap end the pair.
    fleet.update({ vessel: "TTH-B", timeMs: T0 + 160 * MIN, lat: lat + 0.2, lon, sogKn: 9 });
    for (const m of [170, 200]) out.push(...rule.step(rule.defaults, a, fix("TTH-A", m, lat, lon, 1), context).transitions.splice(0));
    a = rule.step(rule.defaults, a, fix("TTH-A", 200, lat, lon, 1), context).state;
    expect(out.map((t) => `${Math.round((t.timeMs - T0) / MIN)}:${t.subject}:${t.state}:${t.detail}`)).toEqual([
      "130:TTH-A:raised:TTH-B",
      "200:TTH-A:cleared:TTH-B",
    ]);
    // The raise holds both vessels' fixes: A's own, and B's latest beside it.
    expect(out[0]?.evidence?.map((e) => `${e.vessel}@${e.time}`)).toEqual([
      "TTH-A@2026-11-23T02:10:00.000Z",
      "TTH-B@2026-11-23T02:00:00.000Z",
    ]);
  });

  it("does not call vessels moored together in port an encounter", () => {
    const fleet = new FleetPositions();
    const context: RuleContext = { zones: hueZones, fleet };
    fleet.update({ vessel: "TTH-B", timeMs: T0, lat: 16.556, lon: 107.6403, sogKn: 0 });
    const ts = run(
      encounter,
      [0, 60, 130].map((m) => fix("TTH-A", m, 16.556, 107.6401, 0)),
      context,
    );
    expect(ts).toEqual([]);
  });

  it.each([
    ["slow for 2 h far offshore: loitering", [0, 60, 120, 130].map((m) => fix("v", m, lat, lon, 1)), ["raised"]],
    ["slow near the coast: fishing, not loitering", [0, 60, 120, 130].map((m) => fix("v", m, 16.6, 107.7, 1)), []],
    [
      "slow, then moving on",
      [...[0, 60, 120].map((m) => fix("v", m, lat, lon, 1)), fix("v", 130, lat + 0.02, lon, 8)],
      ["raised", "cleared"],
    ],
  ])("%s", (_, positions, expected) => {
    expect(run(loitering, positions, { zones: hueZones, land }).map((t) => t.state)).toEqual(expected);
  });
});

describe("fixes on land", () => {
  it.each([
    ["a fix in Huế city, 10 km inland: flagged", 16.4637, 107.5909, true],
    ["a fix at sea off Thuận An: not flagged", 16.7, 107.7, false],
    ["a fix in the Tam Giang – Cầu Hai lagoon (land in the coarse polygon): not flagged", 16.39, 107.77, false],
    ["a fix inside the Thuận An port zone: not flagged", 16.556, 107.6401, false],
  ] as const)("%s", (_, lat, lon, flagged) => {
    const r = positionJump.step(positionJump.defaults, positionJump.initial(), fix("v", 0, lat, lon), { zones: hueZones, land });
    expect(r.flagged === true).toBe(flagged);
  });
});
