// A subject's open alerts inside a map card (a vessel's, a station's): severity and title, most
// severe first, so that an officer sees at the marker what the alert list says about it.
import type { AlertDoc } from "./alert-store.js";
import { alertTitle } from "./alert-title.js";
import { element } from "./dom.js";
import { t } from "./i18n.js";

export function openAlertsList(alerts: readonly AlertDoc[]): HTMLElement {
  const section = element("div", undefined, "open-alerts");
  section.append(element("div", alerts.length > 0 ? t("openAlerts", { count: alerts.length }) : t("noOpenAlerts")));
  if (alerts.length === 0) return section;
  const list = element("ul");
  for (const alert of alerts) {
    const item = element("li");
    item.dataset.severity = alert.severity;
    item.dataset.rule = alert.rule;
    item.textContent = `${t(`severity.${alert.severity}`)}: ${alertTitle(alert) ?? alert.message}`;
    list.append(item);
  }
  section.append(list);
  return section;
}
