// Table tests of the sensor rules: a series of (minute, value) readings through one rule, and the
// transitions it must give (minute:state). Each row is a scenario an environment officer would recognise.
import { describe, expect, it } from "vitest";
import type { AlertTransition } from "../alert-transition.js";
import { downtimeIn, timerClock } from "../timer-clock.js";
import { sensorRuleTypes } from "./registry.js";
import type { SensorInput } from "./sensor-rule.js";

const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;

interface Row {
  name: string;
  rule: string;
  quantity: string;
  params: Record<string, unknown>;
  /** [minute, value] or [minute, value, receivedMinute]. */
  readings: ([number, number] | [number, number, number])[];
  expected: string[];
  /** Timer ticks (minutes) after the readings, for timer rules. */
  ticks?: number[];
  /** [from, to] minutes the hub itself was down. */
  hubDown?: [number, number][];
}

const series = (from: number, values: number[], everyMin = 1): [number, number][] => values.map((v, i) => [from + i * everyMin, v]);

const table: Row[] = [
  {
    name: "threshold raises at the limit and clears only below the clear level (hysteresis)",
    rule: "threshold",
    quantity: "pm25",
    params: { above: 150, clearBelow: 120 },
    readings: series(0, [100, 150, 160, 140, 125, 151, 119, 130]),
    expected: ["1:raised", "6:cleared"],
  },
  {
    name: "threshold without a clear level clears just below the limit",
    rule: "threshold",
    quantity: "pm25",
    params: { above: 150 },
    readings: series(0, [150, 149.9, 150]),
    expected: ["0:raised", "1:cleared", "2:raised"],
  },
  {
    name: "low threshold (dissolved oxygen) is the mirror image",
    rule: "threshold",
    quantity: "do",
    params: { below: 3, clearAbove: 4 },
    readings: series(0, [6, 3.5, 3, 2.4, 3.8, 4.1, 3.9]),
    expected: ["2:raised", "5:cleared"],
  },
  {
    name: "sustained (continuous): PM2.5 above 50 for 60 min, a dip restarts the clock",
    rule: "sustained",
    quantity: "pm25",
    params: { above: 50, forMinutes: 60, mode: "continuous" },
    readings: [...series(0, [55, 60, 58], 20), [60, 40], ...series(70, [52, 53, 54, 56], 20), [140, 45]],
    expected: ["130:raised", "140:cleared"],
  },
  {
    name: "sustained (mean): an hourly mean above 50 raises even with single readings below",
    rule: "sustained",
    quantity: "pm25",
    params: { above: 50, forMinutes: 60, mode: "mean", clearBelow: 45 },
    readings: [...series(0, [40, 70, 45, 65, 48, 62, 44], 10), ...series(70, [30, 30, 30, 30, 30], 10)],
    expected: ["60:raised", "90:cleared"],
  },
  {
    name: "rate of change: turbidity rising 50 NTU within 10 min after a discharge",
    rule: "rate-of-change",
    quantity: "turbidity",
    params: { change: 50, windowMinutes: 10, direction: "rise" },
    readings: [...series(0, [12, 14, 13, 40, 70, 95, 96, 96], 2), ...series(16, [96, 95, 94, 95, 95, 95], 2)],
    expected: ["8:raised", "20:cleared"],
  },
  {
    name: "rate of change: a slow rise over hours raises nothing",
    rule: "rate-of-change",
    quantity: "turbidity",
    params: { change: 50, windowMinutes: 10, direction: "rise" },
    readings: series(
      0,
      Array.from({ length: 60 }, (_, i) => 10 + i * 2),
      5,
    ),
    expected: [],
  },
  {
    name: "flat-line: 10 identical readings over 30 min is a stuck sensor; a new value clears",
    rule: "flat-line",
    quantity: "pm25",
    params: { readings: 10, minutes: 30, tolerance: 0 },
    readings: [...series(0, Array(12).fill(23.4), 5), [60, 23.5]],
    expected: ["45:raised", "60:cleared"],
  },
  {
    name: "flat-line: 10 identical readings within 9 min are not yet stuck",
    rule: "flat-line",
    quantity: "pm25",
    params: { readings: 10, minutes: 30, tolerance: 0 },
    readings: [...series(0, Array(10).fill(23.4), 1), [10, 25]],
    expected: [],
  },
  {
    name: "flat-line: SO₂ at 0 through a clean morning is the sensor's floor, not a fault: a 5-h run raises nothing",
    rule: "flat-line",
    quantity: "so2",
    params: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720 },
    readings: [...series(0, Array(60).fill(0), 5), [300, 2.6]],
    expected: [],
  },
  {
    name: "flat-line: a sensor dead at 0 is found all the same, after atLimitMinutes",
    rule: "flat-line",
    quantity: "so2",
    params: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720 },
    readings: [...series(0, Array(150).fill(0), 5), [750, 2.6]],
    expected: ["720:raised", "750:cleared"],
  },
  {
    name: "flat-line: humidity at 100 % through a night of rain is saturation, not a fault",
    rule: "flat-line",
    quantity: "humidity",
    params: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720 },
    readings: [...series(0, Array(96).fill(100), 5), [480, 97.5]],
    expected: [],
  },
  {
    name: "flat-line: humidity stuck at 93 (not a limit) is found after 30 min",
    rule: "flat-line",
    quantity: "humidity",
    params: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720 },
    readings: series(0, Array(12).fill(93), 5),
    expected: ["45:raised"],
  },
  {
    name: "flat-line: configured limits (a vendor's SO₂ detection floor of 2.6) replace the range's ends",
    rule: "flat-line",
    quantity: "so2",
    params: { readings: 10, minutes: 30, tolerance: 0, atLimitMinutes: 720, limits: [2.6] },
    readings: [...series(0, Array(24).fill(2.6), 5), ...series(120, Array(12).fill(0), 5)],
    expected: ["165:raised"],
  },
  {
    name: "physical range: negative PM is a sensor fault, cleared by a plausible value",
    rule: "physical-range",
    quantity: "pm25",
    params: { ranges: { pm25: [0, 2000] } },
    readings: series(0, [12, -5, -5, 14]),
    expected: ["1:raised", "3:cleared"],
  },
  {
    name: "clock skew: a station 10 min ahead, then corrected",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300 },
    readings: [
      [0, 1, 0],
      [11, 1, 1],
      [12, 1, 2],
      [3, 1, 3],
    ],
    expected: ["11:raised", "3:cleared"],
  },
  {
    name: "clock skew: a station 10 min behind, sending on time, counts once it has been late for 10 min of reception",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300, behindForMinutes: 10 },
    readings: [
      [0, 1, 10],
      [5, 1, 15],
      [10, 1, 20],
      [15, 1, 25],
      [29, 1, 30],
    ],
    expected: ["10:raised", "29:cleared"],
  },
  {
    name: "clock skew: a logger uploading the hour it stored during an outage is a backlog, not its clock",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300, behindForMinutes: 10 },
    readings: [...series(0, Array(12).fill(1), 5).map(([minute, value]): [number, number, number] => [minute, value, 60]), [61, 1, 61]],
    expected: [],
  },
  {
    name: "clock skew: a logger that sends an hour of readings each hour is never behind for long",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300, behindForMinutes: 10 },
    readings: [0, 60, 120].flatMap((hour) =>
      series(hour, Array(12).fill(1), 5).map(([minute, value]): [number, number, number] => [minute, value, hour + 60]),
    ),
    expected: [],
  },
  {
    name: "clock skew: ahead, then behind: still off, one alert",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300, behindForMinutes: 10 },
    readings: [
      [20, 1, 10],
      [0, 1, 11],
      [1, 1, 12],
      [13, 1, 13],
    ],
    expected: ["20:raised", "13:cleared"],
  },
  {
    name: "clock skew: behindForMinutes 0 counts the first late reading",
    rule: "clock-skew",
    quantity: "*",
    params: { maxSkewSeconds: 300, behindForMinutes: 0 },
    readings: [
      [0, 1, 10],
      [11, 1, 11],
    ],
    expected: ["0:raised", "11:cleared"],
  },
  {
    name: "offline: silence of 30 min raises on the timer, the next reading clears",
    rule: "offline",
    quantity: "*",
    params: { afterMinutes: 30 },
    readings: [
      [0, 1],
      [5, 1],
    ],
    ticks: [20, 34, 36, 50],
    expected: ["36:raised"],
  },
  {
    name: "offline: the 30 min the hub itself was down do not count, so a restarted hub blames no station",
    rule: "offline",
    quantity: "*",
    params: { afterMinutes: 30 },
    readings: [[5, 1]],
    hubDown: [[10, 40]],
    ticks: [41, 50, 64, 66],
    expected: ["66:raised"],
  },
  {
    name: "offline: a reading from inside the downtime (uploaded later by a logger) shows the station was heard then: its silence counts",
    rule: "offline",
    quantity: "*",
    params: { afterMinutes: 30 },
    readings: [
      [5, 1],
      [20, 1, 41],
    ],
    hubDown: [[10, 40]],
    ticks: [45, 49, 51],
    expected: ["51:raised"],
  },
  {
    name: "index category: VN_AQI entering Kém raises, Rất xấu makes it critical, Trung bình clears",
    rule: "index-category",
    quantity: "vn_aqi",
    params: { raiseAt: "poor", criticalAt: "very_bad" },
    readings: series(0, [60, 101, 140, 160, 230, 180, 90], 60),
    expected: ["60:raised:warning", "180:raised:warning", "240:raised:critical", "360:cleared"],
  },
  {
    name: "index category: VN_WQI is worse when lower",
    rule: "index-category",
    quantity: "vn_wqi",
    params: { raiseAt: "poor", criticalAt: "heavily_polluted" },
    readings: series(0, [88, 70, 45, 8, 60], 60),
    expected: ["120:raised:warning", "180:raised:critical", "240:cleared"],
  },
];

describe("sensor rules", () => {
  it.each(table.map((row) => [row.name, row] as const))("%s", (_, row) => {
    const rule = sensorRuleTypes[row.rule];
    if (!rule) throw new Error(`no rule ${row.rule}`);
    const config = { ...(rule.defaults as object), ...row.params };
    const entry = { ruleId: row.rule, severity: "warning" as const };
    let state = rule.initial();
    const seen: AlertTransition[] = [];
    for (const [minute, value, received] of row.readings) {
      const input: SensorInput = {
        station: "aq-donre-hue",
        kind: "air",
        quantity: row.quantity,
        value,
        timeMs: T0 + minute * MIN,
        receivedAtMs: T0 + (received ?? minute) * MIN,
      };
      const result = rule.step(config, state, input, entry);
      state = result.state;
      seen.push(...result.transitions);
    }
    for (const minute of row.ticks ?? []) {
      const clock = timerClock(
        T0 + minute * MIN,
        downtimeIn((row.hubDown ?? []).map(([from, to]) => ({ fromMs: T0 + from * MIN, toMs: T0 + to * MIN }))),
      );
      const result = rule.tick?.(config, state, clock, { station: "aq-donre-hue", quantity: row.quantity }, entry);
      if (!result) throw new Error("not a timer rule");
      state = result.state;
      seen.push(...result.transitions);
    }
    const withSeverity = row.expected.some((e) => e.split(":").length === 3);
    expect(seen.map((t) => `${(t.timeMs - T0) / MIN}:${t.state}${withSeverity && t.state !== "cleared" ? `:${t.severity}` : ""}`)).toEqual(
      row.expected,
    );
    for (const t of seen) expect(t).toMatchObject({ domain: "environment", subject: "aq-donre-hue", rule: row.rule });
    // States are plain JSON: they survive a restart through the rule-state table.
    expect(JSON.parse(JSON.stringify(state))).toEqual(JSON.parse(JSON.stringify(state)));
  });

  it.each([
    ["threshold", { above: 150, clearBelow: 120 }, [160], 150],
    ["sustained", { above: 50, forMinutes: 30 }, [60, 60, 60, 60], 50],
    ["rate-of-change", { change: 50, windowMinutes: 10 }, [10, 70], 50],
  ] as const)("%s clears what it raised when the sensor is found unreliable, and starts afresh", (type, params, values, limit) => {
    const rule = sensorRuleTypes[type];
    if (!rule?.unjudged) throw new Error(`${type} has no unjudged`);
    const config = { ...(rule.defaults as object), ...params };
    const entry = { ruleId: type, severity: "warning" as const };
    const input = (minute: number, value: number): SensorInput => ({
      station: "aq-donre-hue",
      kind: "air",
      quantity: "pm25",
      value,
      timeMs: T0 + minute * MIN,
      receivedAtMs: T0 + minute * MIN,
    });
    // Nothing raised: nothing to clear, the state afresh all the same.
    const idle = rule.step(config, rule.initial(), input(0, 10), entry).state;
    expect(rule.unjudged(config, idle, input(0, 10), entry, "stuck")).toEqual({ state: rule.initial(), transitions: [] });
    let state = rule.initial();
    const raised: AlertTransition[] = [];
    values.forEach((value, i) => {
      const result = rule.step(config, state, input(i * 10, value), entry);
      state = result.state;
      raised.push(...result.transitions);
    });
    expect(raised.map((t) => t.state)).toEqual(["raised"]);
    const cleared = rule.unjudged(config, state, input(60, 70), entry, "pm25 stuck at 70: check the sensor");
    expect(cleared.transitions).toMatchObject([
      {
        state: "cleared",
        kind: "quality",
        threshold: limit,
        message: "pm25 can no longer be judged from this sensor: pm25 stuck at 70: check the sensor",
      },
    ]);
    expect(cleared.state).toEqual(rule.initial());
  });

  it("flags out-of-range values so that quality rules do not see them", () => {
    const rule = sensorRuleTypes["physical-range"];
    const result = rule?.step(
      { ranges: { humidity: [0, 100] } },
      { active: false },
      {
        station: "s",
        kind: "air",
        quantity: "humidity",
        value: 130,
        timeMs: T0,
        receivedAtMs: T0,
      },
      { ruleId: "physical-range", severity: "warning" },
    );
    expect(result?.flagged).toBe(true);
    expect(result?.transitions[0]).toMatchObject({ kind: "sensor-health", detail: "humidity" });
  });

  it("says when a stuck value is one a working sensor rests at, and how long it waited", () => {
    const rule = sensorRuleTypes["flat-line"];
    if (!rule) throw new Error("no flat-line");
    const config = { ...(rule.defaults as object) };
    const entry = { ruleId: "flat-line", severity: "warning" as const };
    const messages = (quantity: string, value: number, count: number) => {
      let state = rule.initial();
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        const input = { station: "s", kind: "air" as const, quantity, value, timeMs: T0 + i * 5 * MIN, receivedAtMs: T0 + i * 5 * MIN };
        const result = rule.step(config, state, input, entry);
        state = result.state;
        out.push(...result.transitions.map((t) => t.message));
      }
      return out;
    };
    expect(messages("so2", 0, 150)).toEqual([
      "so2 stuck at 0 (the bottom of its range, where a working sensor rests a while) for 145 readings over 12 h: check the sensor",
    ]);
    expect(messages("humidity", 100, 150)[0]).toContain("humidity stuck at 100 (the top of its range");
    expect(messages("pm25", 23.4, 12)).toEqual(["pm25 stuck at 23.4 for 10 readings over 45 min: check the sensor"]);
  });

  it("keeps the sustained mean exact over days of readings, and takes a window saved without its start index (before 0.6.10)", () => {
    const rule = sensorRuleTypes.sustained;
    if (!rule) throw new Error("no sustained");
    const config = { ...(rule.defaults as object), above: 200, forMinutes: 60, mode: "mean", clearBelow: 180 };
    const entry = { ruleId: "no2-high", severity: "warning" as const };
    // Three days of a reading a minute (some minutes with two, some with none), wandering over and under the limit.
    const values: [number, number][] = [];
    for (let minute = 0; minute < 3 * 1440; minute++) {
      if (minute % 7 === 3) continue;
      const value = 190 + 30 * Math.sin(minute / 90) + (minute % 5);
      values.push([minute, value]);
      if (minute % 11 === 0) values.push([minute, value + 3]);
    }
    // The reference: the mean of the values of the last 60 minutes, judged as the rule documents it.
    const expected: string[] = [];
    let active = false;
    values.forEach(([minute], i) => {
      const window = values.slice(0, i + 1).filter(([m]) => m >= minute - 60);
      const mean = window.reduce((sum, [, v]) => sum + v, 0) / window.length;
      const covered = minute - (window[0] as [number, number])[0] >= 54;
      if (!active && covered && mean > 200) {
        active = true;
        expected.push(`${minute}:raised`);
      } else if (active && mean < 180) {
        active = false;
        expected.push(`${minute}:cleared`);
      }
    });
    const run = (from: number, to: number, initial: unknown) => {
      let state = initial;
      const seen: string[] = [];
      for (const [minute, value] of values.slice(from, to)) {
        const input: SensorInput = {
          station: "s",
          kind: "air",
          quantity: "no2",
          value,
          timeMs: T0 + minute * MIN,
          receivedAtMs: T0 + minute * MIN,
        };
        const result = rule.step(config, state, input, entry);
        state = result.state;
        seen.push(...result.transitions.map((t) => `${(t.timeMs - T0) / MIN}:${t.state}`));
      }
      return { state, seen };
    };
    expect(expected.length).toBeGreaterThan(4);
    expect(run(0, values.length, rule.initial()).seen).toEqual(expected);
    // Saved half-way as 0.6.9 saved it: the buckets of the window only, no start index.
    const half = Math.floor(values.length / 2);
    const first = run(0, half, rule.initial());
    const saved = JSON.parse(JSON.stringify(first.state)) as { buckets: [number, number, number][]; start?: number };
    saved.buckets = saved.buckets.slice(saved.start ?? 0);
    delete saved.start;
    expect([...first.seen, ...run(half, values.length, saved).seen]).toEqual(expected);
  });
});
