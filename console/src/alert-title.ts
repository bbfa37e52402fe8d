// What an alert is, in the operator's language: the title of its rule from the catalogue
// (`rule.<id>`, for the rules the hub ships), naming the quantity or the zone it is about. The hub's
// own message — English, written by the rule with its figures ("position jumped 50.1 nm in 15 s") —
// stays beside it. An alert of a rule the catalogue does not know (an entry of the centre's own
// rules config) is titled by that message alone.
import type { AlertDoc } from "./alert-store.js";
import { has, t } from "./i18n.js";
import { zoneName } from "./zone-names.js";

/** A quantity's name in the operator's language (`quantity.<name>`), or the name itself. */
export const quantityLabel = (quantity: string): string => (has(`quantity.${quantity}`) ? t(`quantity.${quantity}`) : quantity);

/** The alert's title, or undefined when its rule is not in the catalogue. */
export function alertTitle(alert: Pick<AlertDoc, "rule" | "detail" | "zone">): string | undefined {
  const key = `rule.${alert.rule}`;
  if (!has(key)) return undefined;
  return t(key, {
    quantity: alert.detail ? quantityLabel(alert.detail) : "",
    zone: alert.zone ? zoneName(alert.zone) : "",
  });
}

/** The title and the hub's message, for one line (the new-critical banner). */
export const alertHeadline = (alert: AlertDoc): string => {
  const title = alertTitle(alert);
  return title ? `${title}: ${alert.message}` : alert.message;
};
