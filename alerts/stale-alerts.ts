// Open environment alerts that the rules config no longer judges: their entry was removed, became
// another kind of rule, stopped watching the quantity, or was disabled for the station (and feed
// outages, once no offline entry is left). Nothing would ever clear them (the rule that raised them
// is gone, or starts afresh without knowing them), so they are cleared, saying why, when the rules
// change (PUT /api/v1/rules) and at start (the rules file may have changed while the hub was down).
import type { AlertRow } from "./alert-store.js";
import type { AlertTransition } from "./alert-transition.js";
import { FEED_OUTAGE_RULE } from "./feed-outage.js";
import { type RulesConfig, type SensorRuleEntry, watchesQuantity } from "./rules-config.js";

/** Why `next` no longer judges the condition of `alert`, if it does not. */
function whyNotJudged(
  alert: AlertRow,
  next: ReadonlyMap<string, SensorRuleEntry>,
  previous?: ReadonlyMap<string, SensorRuleEntry>,
): string | undefined {
  const entry = next.get(alert.rule);
  if (!entry) return `rule ${alert.rule} was removed from the rules config`;
  const was = previous?.get(alert.rule);
  if (was && was.rule !== entry.rule) return `rule ${alert.rule} is now a ${entry.rule} rule (was ${was.rule})`;
  // `detail` is the quantity ("station" for station-scope rules, whose entries watch "*").
  if (alert.detail && !watchesQuantity(entry, alert.detail)) return `rule ${alert.rule} no longer watches ${alert.detail}`;
  if (entry.stations?.[alert.subject]?.enabled === false) return `rule ${alert.rule} is disabled for ${alert.subject}`;
  return undefined;
}

/** Clearing transitions for the open environment alerts `next` no longer judges (`previous`: the config it replaces, if known). */
export function alertsNoLongerJudged(
  open: readonly AlertRow[],
  next: RulesConfig,
  nowMs: number,
  previous?: RulesConfig,
): AlertTransition[] {
  const entries = new Map(next.sensor.map((e) => [e.id, e]));
  const before = previous ? new Map(previous.sensor.map((e) => [e.id, e])) : undefined;
  const cleared: AlertTransition[] = [];
  const offlineJudged = next.sensor.some((e) => e.rule === "offline");
  for (const alert of open) {
    // A feed outage stands for the offline alerts of its stations: without an offline entry nothing would end it.
    const why =
      alert.rule === FEED_OUTAGE_RULE
        ? offlineJudged
          ? undefined
          : "no offline entry left in the rules config"
        : alert.domain === "environment"
          ? whyNotJudged(alert, entries, before)
          : undefined;
    if (why === undefined) continue;
    cleared.push({
      rule: alert.rule,
      domain: alert.domain,
      severity: alert.severity,
      subject: alert.subject,
      ...(alert.detail && { detail: alert.detail }),
      ...(alert.kind && { kind: alert.kind as AlertTransition["kind"] }),
      state: "cleared",
      timeMs: nowMs,
      message: `no longer judged: ${why}`,
    });
  }
  return cleared;
}
