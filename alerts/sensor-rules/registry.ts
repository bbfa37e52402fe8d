// The sensor rule types the rules config may name. Adding one: its file, its table test, one line here.
import { clockSkew } from "./clock-skew.js";
import { flatLine } from "./flat-line.js";
import { indexCategory } from "./index-category.js";
import { offline } from "./offline.js";
import { physicalRange } from "./physical-range.js";
import { rateOfChange } from "./rate-of-change.js";
import type { SensorRule } from "./sensor-rule.js";
import { sustained } from "./sustained.js";
import { threshold } from "./threshold.js";

// biome-ignore lint/suspicious/noExplicitAny: each rule has its own config and state types.
export const sensorRuleTypes: Readonly<Record<string, SensorRule<any, any>>> = Object.fromEntries(
  [physicalRange, threshold, sustained, rateOfChange, flatLine, clockSkew, offline, indexCategory].map((rule) => [rule.type, rule]),
);
