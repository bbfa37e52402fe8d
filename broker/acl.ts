// Who may publish and subscribe where: pure decisions over the topic contract (DESIGN.md §2).
import { INTERNAL_ROOT, errorTopicOwner, filterWithin, topics } from "./topics.js";

export const deviceKinds = ["air", "water", "vessel", "ais-receiver"] as const;
export type DeviceKind = (typeof deviceKinds)[number];
export const roles = ["device", "operator", "integration"] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  id: string;
  role: Role;
  kind?: DeviceKind | undefined;
}

/** The hub itself on its in-process sessions (broker/authenticate.ts): the only reader of internal topics. */
export const INTERNAL_PRINCIPAL: Principal = { id: "ioc-hub", role: "integration" };

const isInternal = (topicOrFilter: string) => topicOrFilter === INTERNAL_ROOT || topicOrFilter.startsWith(`${INTERNAL_ROOT}/`);

export type AclDecision = { allowed: true } | { allowed: false; reason: string };

const allow: AclDecision = { allowed: true };
const deny = (reason: string): AclDecision => ({ allowed: false, reason });

/** The data topics a device of each kind publishes to, besides its status topic. */
function deviceDataTopics(id: string, kind: DeviceKind | undefined): string[] {
  switch (kind) {
    case "air":
    case "water":
      return [topics.sensorData(id), topics.sensorSenml(id)];
    case "vessel":
      return [topics.vesselVms(id), topics.vesselNaf(id)];
    case "ais-receiver":
      return [topics.aisNmea(id)];
    default:
      return [];
  }
}

/** Operators read alerts and device traffic, never error topics of devices. */
const operatorReadable = ["ioc/v1/alerts/#", "ioc/v1/sensors/#", "ioc/v1/vessels/#", "ioc/v1/ais/#", "ioc/v1/devices/#"];

/** A device's own topics, worked out once per principal (this runs for every message). */
const ownTopics = new WeakMap<Principal, Set<string>>();

function devicePublishTopics(principal: Principal): Set<string> {
  let set = ownTopics.get(principal);
  if (!set) {
    set = new Set([topics.deviceStatus(principal.id), ...deviceDataTopics(principal.id, principal.kind)]);
    ownTopics.set(principal, set);
  }
  return set;
}

export function canPublish(principal: Principal, topic: string): AclDecision {
  if (topic.startsWith("$")) return deny("system topics are read-only");
  switch (principal.role) {
    case "device":
      return devicePublishTopics(principal).has(topic)
        ? allow
        : deny(`a ${principal.kind ?? "device"} device may publish only to its own topics`);
    case "operator":
      return deny("operators do not publish");
    case "integration":
      // (A device's own topics never include internal ones: only integrations need the check.)
      if (isInternal(topic)) return deny("internal topics are written by the hub only");
      return errorTopicOwner(topic) !== undefined ? deny("error topics are written by the hub only") : allow;
  }
}

export function canSubscribe(principal: Principal, filter: string): AclDecision {
  if (filter.startsWith("$")) return deny("system topics are not readable");
  if (principal === INTERNAL_PRINCIPAL) return isInternal(filter) ? allow : deny("the hub's sessions read internal topics only");
  // A wide filter (`#`, `ioc/#`, `ioc/v1/+/…`) still matches internal topics: withheld at delivery (canReceive).
  if (isInternal(filter)) return deny("internal topics are read by the hub only");
  switch (principal.role) {
    case "device":
      return filter === topics.errors(principal.id) ? allow : deny("a device may subscribe only to its own error topic");
    case "operator":
      return operatorReadable.some((a) => filterWithin(filter, a)) ? allow : deny("operators may read alerts and device topics only");
    case "integration":
      // Wide filters are allowed; other devices' error topics are withheld at delivery (canReceive).
      return allow;
  }
}

/** Delivery-time check, for filters wide enough to match what the principal may not read. */
export function canReceive(principal: Principal, topic: string): boolean {
  if (isInternal(topic)) return principal === INTERNAL_PRINCIPAL;
  const owner = errorTopicOwner(topic);
  return owner === undefined || owner === principal.id;
}
