// What an environment officer sees on clicking a station: its name, its current hourly index with
// the category in the operator's language, and its latest reading — each value with its quantity's
// name and unit — in Huế time.
import { quantityLabel } from "./alert-title.js";
import { element } from "./dom.js";
import { currentLanguage, formatNumber, formatTime, t } from "./i18n.js";
import { subjectName } from "./subject-names.js";

export interface StationIndex {
  value: number;
  category: string;
  name?: { vi: string; en: string };
}

export interface StationProperties {
  id: string;
  name?: string;
  indices?: Record<string, StationIndex>;
  latest?: { time: string; values: Record<string, { value: number; unit: string }> };
}

/** UCUM codes as people write them. */
const UNITS: Record<string, string> = { "ug/m3": "µg/m³", "ug/L": "µg/L", Cel: "°C", "%RH": "%", "uS/cm": "µS/cm", deg: "°", pH: "" };
const unitText = (unit: string) => UNITS[unit] ?? unit;

const INDEX_NAMES: Record<string, string> = { vn_aqi: "VN_AQI", us_aqi: "US AQI", vn_wqi: "VN_WQI" };

export function stationCard(p: StationProperties): HTMLElement {
  const card = element("div", undefined, "station-card");
  card.dataset.station = p.id;
  card.append(element("strong", subjectName(p.id) ?? p.name ?? p.id));
  for (const [index, value] of Object.entries(p.indices ?? {})) {
    const category = value.name?.[currentLanguage()] ?? value.category;
    card.append(element("div", `${INDEX_NAMES[index] ?? index} ${formatNumber(value.value)} (${category})`, "index"));
  }
  if (!p.latest) {
    card.append(element("div", t("station.noReading")));
    return card;
  }
  card.append(element("div", t("station.latest", { time: formatTime(p.latest.time) })));
  const list = element("ul");
  for (const [quantity, { value, unit }] of Object.entries(p.latest.values)) {
    const item = element("li");
    item.dataset.quantity = quantity;
    const label = quantityLabel(quantity);
    item.textContent = `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${formatNumber(value)}${unitText(unit) ? ` ${unitText(unit)}` : ""}`;
    list.append(item);
  }
  card.append(list);
  return card;
}
