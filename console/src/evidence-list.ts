// An alert's evidence in its detail view, newest last: the fixes behind a fisheries alert (when,
// where, how fast, reported by which feed, receiver or transmitter; the other vessel of an
// encounter) or the readings behind an environment alert — what an officer checks before acting.
import { quantityLabel } from "./alert-title.js";
import { element } from "./dom.js";
import { formatNumber, formatTime, t } from "./i18n.js";
import { subjectLabel } from "./subject-names.js";

/** Degrees with a hemisphere, the same in both languages (a decimal comma would run into the separator). */
const coordinate = (value: number, positive: string, negative: string) =>
  `${Math.abs(value).toFixed(4)}° ${value >= 0 ? positive : negative}`;

const SOURCES: Record<string, string> = { ais: "AIS", vms: "VMS" };
/** Fields shown in their own way, or not at all (a sensor reading's other keys are its quantities). */
const FIX_FIELDS = new Set(["vessel", "time", "lat", "lon", "sogKn", "cogDeg", "navStatus", "source", "receiver", "mmsi", "vmsDeviceId"]);

export function evidenceText(entry: Record<string, unknown>, subject: string): string {
  const parts: string[] = [];
  if (typeof entry.time === "string") parts.push(formatTime(entry.time));
  if (typeof entry.vessel === "string" && entry.vessel !== subject) parts.push(subjectLabel(entry.vessel));
  if (typeof entry.lat === "number" && typeof entry.lon === "number")
    parts.push(`${coordinate(entry.lat, "N", "S")}, ${coordinate(entry.lon, "E", "W")}`);
  if (typeof entry.sogKn === "number") parts.push(t("speed", { speed: formatNumber(entry.sogKn) }));
  if (typeof entry.cogDeg === "number") parts.push(`${formatNumber(entry.cogDeg)}°`);
  // The feed, unless the transmitter's own id says it ("VMS VMS-0042"); then the receiver or gateway.
  const source = typeof entry.vmsDeviceId === "string" ? `VMS ${entry.vmsDeviceId}` : (SOURCES[String(entry.source)] ?? entry.source);
  const heard = [source, entry.receiver].filter((v) => typeof v === "string");
  if (heard.length > 0) parts.push(heard.join(" · "));
  if (typeof entry.mmsi === "number") parts.push(`MMSI ${entry.mmsi}`);
  for (const [key, value] of Object.entries(entry)) {
    if (FIX_FIELDS.has(key)) continue;
    parts.push(`${quantityLabel(key)}: ${typeof value === "number" ? formatNumber(value) : String(value)}`);
  }
  return parts.join(" · ");
}

export function evidenceList(evidence: readonly Record<string, unknown>[], subject: string): HTMLElement {
  const list = element("ol", undefined, "evidence");
  for (const entry of evidence) list.append(element("li", evidenceText(entry, subject)));
  return list;
}
