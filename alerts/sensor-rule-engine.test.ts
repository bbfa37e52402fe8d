// The sensor rule engine with the shipped default rules and with overrides: which entries see which
// values, per-station and per-quantity parameters, flagged values, timer rules, and state that
// survives a restart through SQLite.
import { afterEach, describe, expect, it } from "vitest";
import type { Envelope } from "../ingest/envelope.js";
import type { SensorReading } from "../ingest/observation.js";
import { openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import type { AlertTransition } from "./alert-transition.js";
import { RuleStateStore } from "./rule-state-store.js";
import { type RulesConfig, RulesConfigError, defaultRulesFile, loadRulesFile, parseRulesConfig } from "./rules-config.js";
import { SensorRuleEngine } from "./sensor-rule-engine.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;

function reading(
  station: string,
  minute: number,
  values: Record<string, number>,
  kind: "air" | "water" = "air",
  /** Who sent it: the station itself, or a gateway sending for it. */
  deviceId = station,
  /** When the hub got it (minutes; the reading's own minute by default). */
  receivedMinute = minute,
): [SensorReading, Envelope] {
  const timeMs = T0 + minute * MIN;
  return [
    { type: "sensor_reading", station, kind, source: "mqtt", timeMs, values },
    {
      via: "mqtt",
      topic: `ioc/v1/sensors/${station}/data`,
      deviceId,
      receivedAt: T0 + receivedMinute * MIN,
      payload: Buffer.alloc(0),
    } as unknown as Envelope,
  ];
}

const config = (sensor: RulesConfig["sensor"]): RulesConfig => parseRulesConfig({ sensor });

describe("sensor rule engine", () => {
  const dir = tempDir("sensor-rules");
  afterEach(() => dir.remove());

  it("loads and validates the shipped default rules", () => {
    const rules = loadRulesFile(defaultRulesFile);
    expect(rules.sensor.map((e) => e.id)).toContain("pm25-sustained");
  });

  it.each([
    [{ sensor: [{ id: "x", rule: "threshold", quantity: "pm25", params: { abov: 5 } }] }, /\/sensor\/0\/params: unknown key "abov"/],
    [{ sensor: [{ id: "x", rule: "nope", quantity: "pm25" }] }, /\/sensor\/0\/rule/],
    [{ sensor: [{ id: "Bad Id", rule: "threshold", quantity: "pm25" }] }, /\/sensor\/0\/id/],
    [{ sensor: [{ id: "summary", rule: "threshold", quantity: "pm25" }] }, /\/sensor\/0\/id/],
    [
      {
        sensor: [
          { id: "a", rule: "threshold", quantity: "pm25" },
          { id: "a", rule: "threshold", quantity: "pm10" },
        ],
      },
      /\/sensor\/1\/id: "a" is used twice/,
    ],
    [{ sensor: [], vessel: { "mpa-intrusion": { dwellMinutes: "ten" } } }, /\/vessel\/mpa-intrusion\/dwellMinutes/],
    [
      { sensor: [{ id: "x", rule: "sustained", quantity: "pm25", stations: { s1: { forMinutes: -1 } } }] },
      /\/sensor\/0\/stations\/s1\/forMinutes/,
    ],
  ])("refuses a bad rules config naming the key: %#", (value, message) => {
    expect(() => parseRulesConfig(value)).toThrow(RulesConfigError);
    expect(() => parseRulesConfig(value)).toThrow(message);
  });

  it("applies per-quantity and per-station overrides, and can disable an entry for one station", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(
      config([
        {
          id: "high",
          rule: "threshold",
          quantity: ["pm25", "pm10"],
          params: { above: 100 },
          quantities: { pm10: { above: 200 } },
          stations: { "aq-chan-may": { above: 150 }, "aq-off": { enabled: false } },
        },
      ]),
      (t) => seen.push(t),
    );
    engine.observe(...reading("aq-donre-hue", 0, { pm25: 120, pm10: 180 }));
    engine.observe(...reading("aq-chan-may", 0, { pm25: 120, pm10: 180 }));
    engine.observe(...reading("aq-off", 0, { pm25: 500 }));
    expect(seen.map((t) => `${t.subject}/${t.detail}`)).toEqual(["aq-donre-hue/pm25", "aq-chan-may/pm10"]);
  });

  it("does not run quality rules on a value out of physical range", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), (t) => seen.push(t));
    engine.observe(...reading("aq-donre-hue", 0, { pm25: 9999, humidity: 70 }));
    expect(seen.map((t) => [t.rule, t.kind, t.detail])).toEqual([["physical-range", "sensor-health", "pm25"]]);
    const [observation, envelope] = reading("aq-donre-hue", 5, { pm25: 9999, humidity: 70 });
    engine.observe(observation, envelope);
    expect(observation.unmeasured).toEqual(["pm25"]);
  });

  it("takes a stuck sensor's value for no measurement once flat-line finds it: no pollution alert from it, and marked for the indices", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), (t) => seen.push(t));
    // PM2.5 stuck at 60 µg/m³, every 5 min for 3 h: above the 60-min mean limit of pm25-sustained (50),
    // which is listed before flat-line in the defaults. The 10th reading (minute 45) finds it stuck.
    const unmeasured: (string[] | undefined)[] = [];
    for (let minute = 0; minute <= 180; minute += 5) {
      const [observation, envelope] = reading("aq-stuck", minute, { pm25: 60, temperature: 25 + minute / 100 });
      engine.observe(observation, envelope);
      unmeasured.push(observation.unmeasured);
    }
    expect(seen.map((t) => `${(t.timeMs - T0) / MIN}:${t.rule}:${t.state}:${t.kind}`)).toEqual(["45:flat-line:raised:sensor-health"]);
    expect(unmeasured.slice(0, 9)).toEqual(Array(9).fill(undefined));
    expect(unmeasured.slice(9)).toEqual(Array(unmeasured.length - 9).fill(["pm25"]));
    // The sensor comes back: measured again, and judged again.
    const [back, envelope] = reading("aq-stuck", 185, { pm25: 61 });
    engine.observe(back, envelope);
    expect(back.unmeasured).toBeUndefined();
    expect(seen.map((t) => `${t.rule}:${t.state}`).at(-1)).toBe("flat-line:cleared");
  });

  it("clears the pollution alerts a stuck sensor's readings raised once it is found stuck, but not for a single value out of range", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), (t) => seen.push(t));
    const at = (t: AlertTransition) => `${(t.timeMs - T0) / MIN}:${t.rule}:${t.state}`;
    // Real pollution, then a value out of range (one fault): the pollution alert stands.
    engine.observe(...reading("aq-stuck", 0, { pm25: 170 }));
    engine.observe(...reading("aq-stuck", 5, { pm25: 4000 }));
    expect(seen.map(at)).toEqual(["0:pm25-high:raised", "5:physical-range:raised"]);
    // Then stuck at 180 from minute 10: found stuck at the 10th reading (minute 55).
    for (let minute = 10; minute <= 70; minute += 5) engine.observe(...reading("aq-stuck", minute, { pm25: 180 }));
    expect(seen.slice(2).map(at)).toEqual(["10:physical-range:cleared", "55:flat-line:raised", "55:pm25-high:cleared"]);
    expect(seen.at(-1)?.message).toBe(
      "pm25 can no longer be judged from this sensor: pm25 stuck at 180 for 10 readings over 45 min: check the sensor",
    );
    // Measuring again, still polluted: raised again.
    engine.observe(...reading("aq-stuck", 75, { pm25: 190 }));
    expect(seen.slice(5).map(at)).toEqual(["75:flat-line:cleared", "75:pm25-high:raised"]);
  });

  it("judges QCVN's 1-hour gas limits on the 60-minute mean: a lorry's spike is no exceedance, an hour over the limit is", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), (t) => seen.push(t));
    const no2 = (minute: number, value: number) => engine.observe(...reading("aq-donre-hue", minute, { no2: value }));
    // (Values that vary, as a working sensor's do: flat-line would take a repeated one for a stuck sensor.)
    for (let minute = 0; minute < 60; minute += 5) no2(minute, minute === 30 ? 420 : 45 + (minute % 3));
    expect(seen.filter((t) => t.rule === "no2-high")).toEqual([]);
    // Then a stagnant rush hour: 230 µg/m³ for an hour; raised once the last hour's mean is over 200.
    for (let minute = 60; minute <= 150; minute += 5) no2(minute, 230 + (minute % 3));
    const raised = seen.filter((t) => t.rule === "no2-high");
    expect(raised.map((t) => [t.state, (t.timeMs - T0) / MIN, t.threshold])).toEqual([["raised", 110, 200]]);
    expect(raised[0]?.message).toMatch(/^60-min mean of no2 above 200/);
  });

  it("raises offline on the timer with the hub's clock, and clears on the next reading", () => {
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(loadRulesFile(defaultRulesFile), (t) => seen.push(t));
    engine.observe(...reading("wq-cauhai-lagoon", 0, { ph: 7.6 }, "water"));
    engine.tick(T0 + 29 * MIN);
    engine.tick(T0 + 31 * MIN);
    engine.tick(T0 + 40 * MIN);
    engine.observe(...reading("wq-cauhai-lagoon", 45, { ph: 7.6 }, "water"));
    expect(seen.map((t) => [t.rule, t.state, t.detail, (t.timeMs - T0) / MIN])).toEqual([
      ["station-offline", "raised", "station", 31],
      ["station-offline", "cleared", "station", 45],
    ]);
  });

  it("does not take a station uploading its backlog for offline: a round judges only stations that sent nothing newer since the last", () => {
    const rules = config([{ id: "station-offline", rule: "offline", quantity: "*", params: { afterMinutes: 30 } }]);
    const seen: AlertTransition[] = [];
    const engine = new SensorRuleEngine(rules, (t) => seen.push(t));
    engine.observe(...reading("aq-logger", 0, { pm25: 12 }));
    engine.tick(T0 + MIN);
    // Its link was down for two hours; from minute 125 it uploads what it stored, a reading every
    // half minute, with timer rounds in between, up to its current reading.
    for (let k = 1; k <= 25; k++) {
      engine.observe(...reading("aq-logger", k * 5, { pm25: 12 }));
      engine.tick(T0 + (125 + k / 2) * MIN);
    }
    engine.tick(T0 + 140 * MIN);
    expect(seen).toEqual([]);
    // Then it stops for good: judged by its data's own time.
    engine.tick(T0 + 156 * MIN);
    expect(seen.map((t) => `${t.rule}:${t.state}:${(t.timeMs - T0) / MIN}`)).toEqual(["station-offline:raised:156"]);
  });

  it("keeps rule state across a restart: a sustained condition is not forgotten", () => {
    const rules = config([{ id: "pm25-sustained", rule: "sustained", quantity: "pm25", params: { above: 50, forMinutes: 60 } }]);
    const seen: AlertTransition[] = [];
    let db = openDatabase(dir.path);
    let engine = new SensorRuleEngine(rules, (t) => seen.push(t));
    for (const minute of [0, 20, 40]) engine.observe(...reading("aq-donre-hue", minute, { pm25: 70 }));
    new RuleStateStore(db, "sensor").save(engine.takeChanges());
    db.close();
    db = openDatabase(dir.path);
    engine = new SensorRuleEngine(rules, (t) => seen.push(t));
    engine.restore(new RuleStateStore(db, "sensor").load());
    engine.observe(...reading("aq-donre-hue", 60, { pm25: 70 }));
    db.close();
    expect(seen.map((t) => [t.state, (t.timeMs - T0) / MIN])).toEqual([["raised", 60]]);
  });

  it("hands over the changed state of one station alone, leaving the others for the periodic save", () => {
    const rules = config([{ id: "pm25-high", rule: "threshold", quantity: "pm25", params: { above: 150 } }]);
    const engine = new SensorRuleEngine(rules, () => undefined);
    engine.observe(...reading("aq-a", 0, { pm25: 200 }));
    engine.observe(...reading("aq-b", 0, { pm25: 20 }));
    expect(engine.takeChangesOf(new Set(["aq-a", "aq-z"])).map(([key]) => key)).toEqual(["pm25-high|aq-a|pm25"]);
    expect(engine.takeChangesOf(new Set(["aq-a"]))).toEqual([]);
    expect(engine.takeChanges().map(([key]) => key)).toEqual(["pm25-high|aq-b|pm25"]);
  });

  describe("feed outages", () => {
    const offlineRules = config([{ id: "station-offline", rule: "offline", quantity: "*", params: { afterMinutes: 30 } }]);
    const lagoon = ["wq-lagoon-1", "wq-lagoon-2", "wq-lagoon-3", "wq-lagoon-4"];
    const at = (t: AlertTransition) => `${(t.timeMs - T0) / MIN}:${t.rule}:${t.subject}:${t.state}`;
    /** Every station through its feed every 5 min (staggered by a minute) from 0 up to `until`, a timer round every minute. */
    const run = (engine: SensorRuleEngine, feeds: Record<string, string>, until: Record<string, number>, from: number, to: number) => {
      for (let minute = from; minute <= to; minute++) {
        Object.keys(feeds).forEach((station, i) => {
          if ((minute - i) % 5 === 0 && minute <= (until[station] ?? Number.POSITIVE_INFINITY))
            engine.observe(...reading(station, minute, { ph: 7.4 }, "water", feeds[station]));
        });
        engine.tick(T0 + minute * MIN);
      }
    };

    it("raises one feed outage when every station of a gateway falls silent together; the feed heard again clears it, and a station still silent then goes offline on its own, its silence counted from the feed's return", () => {
      const seen: AlertTransition[] = [];
      const engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
      const feeds = { ...Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), "aq-direct": "aq-direct" };
      // The gateway dies after minute 60; the station that sends for itself goes on.
      run(engine, feeds, Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 120);
      expect(seen.map(at)).toEqual(["86:feed-outage:gw-lagoon:raised"]);
      expect(seen[0]).toMatchObject({
        domain: "system",
        kind: "system",
        severity: "critical",
        value: 4,
        message:
          "all 4 stations sending through gw-lagoon went silent together (wq-lagoon-1, wq-lagoon-2, wq-lagoon-3, wq-lagoon-4): the feed is down (power, network or bus), not the stations",
      });
      // The gateway is back, but only one of its stations reports: the others are silent on their own.
      // They could not be heard while it was down and report every 5 min, so each has its 30 min
      // from the gateway's return (not an alert a minute after it).
      engine.observe(...reading("wq-lagoon-1", 130, { ph: 7.4 }, "water", "gw-lagoon"));
      engine.tick(T0 + 131 * MIN);
      expect(seen.slice(1).map(at)).toEqual(["130:feed-outage:gw-lagoon:cleared"]);
      run(engine, feeds, Object.fromEntries(lagoon.slice(1).map((s) => [s, 60])), 132, 170);
      expect(seen.slice(2).map(at)).toEqual([
        "160:station-offline:wq-lagoon-2:raised",
        "160:station-offline:wq-lagoon-3:raised",
        "160:station-offline:wq-lagoon-4:raised",
      ]);
      expect(seen[2]?.message).toBe("no reading for 104 min (limit 30 min), not counting the 74 min its feed was out");
    });

    it("groups the stations that connect directly the same way: the network between them and the hub", () => {
      const seen: AlertTransition[] = [];
      const engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
      run(engine, Object.fromEntries(lagoon.map((s) => [s, s])), Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 150);
      expect(seen.map(at)).toEqual(["86:feed-outage:direct:raised"]);
      expect(seen[0]?.message).toContain("all 4 stations connected to the hub directly went silent together");
    });

    it.each([
      ["one station of four stops", lagoon, { "wq-lagoon-2": 60 }, ["86:station-offline:wq-lagoon-2:raised"]],
      [
        "two stations, below feedMinStations, both stop",
        lagoon.slice(0, 2),
        { "wq-lagoon-1": 60, "wq-lagoon-2": 60 },
        ["86:station-offline:wq-lagoon-2:raised", "90:station-offline:wq-lagoon-1:raised"],
      ],
    ])("raises station-offline, not a feed outage, when %s", (_, stations, until, expected) => {
      const seen: AlertTransition[] = [];
      const engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
      run(engine, Object.fromEntries(stations.map((s) => [s, "gw-lagoon"])), until, 0, 120);
      expect(seen.map(at)).toEqual(expected);
    });

    it("keeps a feed's outage while its gateway uploads what it stored, and ends it once the readings are fresh", () => {
      const seen: AlertTransition[] = [];
      const engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
      run(engine, Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 180);
      // Back at minute 181, it uploads its stations' readings of minutes 65-190 in time order, a dozen
      // a minute with timer rounds between: stations whose turn has not come are silent by their data.
      const backlog = [];
      for (let minute = 65; minute <= 190; minute += 5) for (const station of lagoon) backlog.push({ station, minute });
      let hubMinute = 181;
      for (let i = 0; i < backlog.length; i += 12) {
        for (const { station, minute } of backlog.slice(i, i + 12))
          engine.observe(...reading(station, minute, { ph: 7.4 }, "water", "gw-lagoon", hubMinute));
        engine.tick(T0 + hubMinute * MIN);
        hubMinute++;
      }
      engine.observe(...reading("wq-lagoon-1", hubMinute, { ph: 7.4 }, "water", "gw-lagoon"));
      for (let k = 1; k <= 5; k++) engine.tick(T0 + (hubMinute + k) * MIN);
      // Ended by the first reading stamped within 15 min of its arrival: the backlog's tail (173, at
      // minute 188), when every station's data has caught up; no station was taken for offline.
      expect(seen.map(at)).toEqual(["86:feed-outage:gw-lagoon:raised", "188:feed-outage:gw-lagoon:cleared"]);
    });

    it("keeps a feed outage across a restart: no second alert, no station-offline, and cleared when the feed is heard", () => {
      const seen: AlertTransition[] = [];
      const db = openDatabase(dir.path);
      try {
        const store = new RuleStateStore(db, "sensor");
        let engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
        run(engine, Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 100);
        store.save(engine.takeChanges());
        engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
        engine.restore(store.load());
        for (let minute = 101; minute <= 200; minute++) engine.tick(T0 + minute * MIN);
        engine.observe(...reading("wq-lagoon-3", 201, { ph: 7.4 }, "water", "gw-lagoon"));
        expect(seen.map(at)).toEqual(["86:feed-outage:gw-lagoon:raised", "201:feed-outage:gw-lagoon:cleared"]);
      } finally {
        db.close();
      }
    });

    it("keeps a feed's outage across a change of the rules, and forgets it with the offline entry", () => {
      const seen: AlertTransition[] = [];
      const engine = new SensorRuleEngine(offlineRules, (t) => seen.push(t));
      run(engine, Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 100);
      // Another entry added: the outage stands, no station is blamed.
      engine.configure(config([...offlineRules.sensor, { id: "ph-low", rule: "threshold", quantity: "ph", params: { below: 5.5 } }]));
      for (let minute = 101; minute <= 120; minute++) engine.tick(T0 + minute * MIN);
      engine.observe(...reading("wq-lagoon-1", 121, { ph: 7.4 }, "water", "gw-lagoon"));
      expect(seen.map(at)).toEqual(["86:feed-outage:gw-lagoon:raised", "121:feed-outage:gw-lagoon:cleared"]);
      // The offline entry taken out and put back: no outage is remembered without stations waiting for it,
      // so the feed falling silent again raises anew.
      engine.configure(config([]));
      engine.configure(offlineRules);
      seen.length = 0;
      run(engine, Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), Object.fromEntries(lagoon.map((s) => [s, 130])), 122, 220);
      expect(seen.map(at)).toEqual(["156:feed-outage:gw-lagoon:raised"]);
    });

    it("hands over the states of the stations waiting for a feed with the feed's outage", () => {
      const engine = new SensorRuleEngine(offlineRules, () => undefined);
      run(engine, Object.fromEntries(lagoon.map((s) => [s, "gw-lagoon"])), Object.fromEntries(lagoon.map((s) => [s, 60])), 0, 85);
      engine.takeChanges();
      engine.tick(T0 + 86 * MIN);
      expect(engine.takeChangesOf(new Set(["gw-lagoon"])).map(([key, state]) => [key, (state as { outage?: string }).outage])).toEqual([
        ["station-offline|wq-lagoon-2|*", "gw-lagoon"],
      ]);
    });
  });

  it("still judges a station silent across a change of the rules", () => {
    const seen: AlertTransition[] = [];
    const rules = config([{ id: "station-offline", rule: "offline", quantity: "*", params: { afterMinutes: 30 } }]);
    const engine = new SensorRuleEngine(rules, (t) => seen.push(t));
    engine.observe(...reading("aq-donre-hue", 0, { pm25: 12 }));
    engine.tick(T0 + 10 * MIN);
    engine.configure(config([...rules.sensor, { id: "pm25-high", rule: "threshold", quantity: "pm25", params: { above: 150 } }]));
    engine.tick(T0 + 31 * MIN);
    expect(seen.map((t) => `${(t.timeMs - T0) / MIN}:${t.rule}:${t.state}`)).toEqual(["31:station-offline:raised"]);
  });
});
