// A rule transition of a water station's dissolved-oxygen alert, for tests that need alerts in the
// database without running the rules (retention, metrics); `extra` changes any field.
import type { AlertTransition } from "../../alerts/alert-transition.js";

export function doLowTransition(
  subject: string,
  state: AlertTransition["state"],
  timeMs: number,
  extra: Partial<AlertTransition> = {},
): AlertTransition {
  return {
    rule: "do-low",
    domain: "environment",
    severity: "critical",
    subject,
    detail: "do",
    kind: "quality",
    state,
    timeMs,
    message: "do 2.1 ≤ 3",
    ...extra,
  };
}
