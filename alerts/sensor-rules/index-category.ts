// An index entering a worse category: raised when a station's VN_AQI, US AQI or VN_WQI (computed by
// the index engine and fed to the rules as a value of quantity vn_aqi / us_aqi / vn_wqi) reaches
// `raiseAt` or worse, with `critical` severity from `criticalAt`; every further worsening is a new
// transition (the alert's message and severity follow); cleared when the index is back better than
// `raiseAt`. Categories and their order come from the index tables.
import { aqiCategories, categoryOf, type IndexCategory } from "../indices/air-quality-index.js";
import { wqiCategories } from "../indices/water-quality-index.js";
import { type SensorRule, noTransitions, sensorAlert } from "./sensor-rule.js";

export interface IndexCategoryConfig {
  raiseAt: string;
  criticalAt: string;
}

/** Categories of each index from best to worst. */
const scales: Record<string, IndexCategory[]> = {
  vn_aqi: aqiCategories.vn,
  us_aqi: aqiCategories.us,
  // VN_WQI is better when higher: its table runs best first already.
  vn_wqi: wqiCategories,
};
const indexNames: Record<string, string> = { vn_aqi: "VN_AQI", us_aqi: "US AQI", vn_wqi: "VN_WQI" };

export const indexCategory: SensorRule<IndexCategoryConfig, { rank: number; alerted: boolean }> = {
  type: "index-category",
  parameters: {
    type: "object",
    properties: { raiseAt: { type: "string" }, criticalAt: { type: "string" } },
    additionalProperties: false,
  },
  defaults: { raiseAt: "poor", criticalAt: "very_bad" },
  initial: () => ({ rank: -1, alerted: false }),
  step(config, state, input, entry) {
    const scale = scales[input.quantity];
    if (!scale) return { state, transitions: noTransitions };
    const category = categoryOf(scale, input.value);
    const rank = scale.indexOf(category);
    const rankOf = (id: string) => {
      const i = scale.findIndex((c) => c.id === id);
      return i < 0 ? Number.POSITIVE_INFINITY : i;
    };
    const raiseRank = rankOf(config.raiseAt);
    const name = indexNames[input.quantity] ?? input.quantity;
    const label = `${category.vi} / ${category.en}`;
    if (rank >= raiseRank && (!state.alerted || rank > state.rank)) {
      const severity = rank >= rankOf(config.criticalAt) ? "critical" : entry.severity;
      const message = `${name} ${Math.round(input.value)}: ${label}`;
      return { state: { rank, alerted: true }, transitions: [sensorAlert({ ...entry, severity }, input, "raised", "quality", message)] };
    }
    if (rank < raiseRank && state.alerted) {
      const message = `${name} ${Math.round(input.value)}: back to ${label}`;
      return { state: { rank, alerted: false }, transitions: [sensorAlert(entry, input, "cleared", "quality", message)] };
    }
    return { state: { rank, alerted: state.alerted }, transitions: noTransitions };
  },
};
