// The MQTT topic contract (DESIGN.md §2). Everything that builds or parses a topic goes through here.

export const TOPIC_ROOT = "ioc/v1";
/** Between hub instances only: no device, operator or integration may publish or subscribe here. */
export const INTERNAL_ROOT = `${TOPIC_ROOT}/internal`;

/** Ids that appear in topics: device, station, vessel and receiver ids. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Which payload format each data topic carries; the pipeline picks the decoder by this name. */
export const dataTopics = {
  sensors: { data: "sensor-json", senml: "senml" },
  vessels: { vms: "vms-json", naf: "vms-naf" },
  ais: { nmea: "ais-nmea" },
} as const;

export type DataChannel = keyof typeof dataTopics;

export interface DataTopic {
  channel: DataChannel;
  subjectId: string;
  leaf: string;
  format: string;
}

/** Parsed topics; devices publish to a handful of topics each, so this stays small. */
const parsedTopics = new Map<string, DataTopic | null>();
const PARSED_TOPICS_MAX = 100_000;

/** Parses `ioc/v1/{channel}/{id}/{leaf}` for the data channels; undefined for anything else. */
export function parseDataTopic(topic: string): DataTopic | undefined {
  let parsed = parsedTopics.get(topic);
  if (parsed === undefined) {
    if (parsedTopics.size >= PARSED_TOPICS_MAX) parsedTopics.clear();
    parsed = parseUncached(topic) ?? null;
    parsedTopics.set(topic, parsed);
  }
  return parsed ?? undefined;
}

function parseUncached(topic: string): DataTopic | undefined {
  const parts = topic.split("/");
  if (parts.length !== 5 || parts[0] !== "ioc" || parts[1] !== "v1") return undefined;
  const channel = parts[2] as DataChannel;
  const leaf = parts[4] as string;
  const subjectId = parts[3] as string;
  const leaves = dataTopics[channel] as Record<string, string> | undefined;
  const format = leaves && Object.hasOwn(leaves, leaf) ? leaves[leaf] : undefined;
  if (!format || !ID_PATTERN.test(subjectId)) return undefined;
  return { channel, subjectId, leaf, format };
}

export const topics = {
  sensorData: (stationId: string) => `${TOPIC_ROOT}/sensors/${stationId}/data`,
  sensorSenml: (stationId: string) => `${TOPIC_ROOT}/sensors/${stationId}/senml`,
  vesselVms: (vesselId: string) => `${TOPIC_ROOT}/vessels/${vesselId}/vms`,
  vesselNaf: (vesselId: string) => `${TOPIC_ROOT}/vessels/${vesselId}/naf`,
  aisNmea: (receiverId: string) => `${TOPIC_ROOT}/ais/${receiverId}/nmea`,
  deviceStatus: (deviceId: string) => `${TOPIC_ROOT}/devices/${deviceId}/status`,
  alert: (domain: string, ruleId: string) => `${TOPIC_ROOT}/alerts/${domain}/${ruleId}`,
  errors: (deviceId: string) => `${TOPIC_ROOT}/errors/${deviceId}`,
  /** Observations on their way to the owner of their rule partition (docs/scaling.md); the hubs' own. */
  rulePartition: (group: string, partition: number) => `${INTERNAL_ROOT}/rules/${group}/${partition}`,
};

/** True when the topic is some device's error topic; returns that device id. */
export function errorTopicOwner(topic: string): string | undefined {
  const prefix = `${TOPIC_ROOT}/errors/`;
  if (!topic.startsWith(prefix)) return undefined;
  const rest = topic.slice(prefix.length);
  return rest.includes("/") ? undefined : rest;
}

/**
 * Whether every topic matched by `filter` is also matched by `allowed` (MQTT 3.1.1 §4.7 wildcards).
 * Used to decide subscriptions: a filter is granted only when it stays inside an allowed one.
 */
export function filterWithin(filter: string, allowed: string): boolean {
  const f = filter.split("/");
  const a = allowed.split("/");
  for (let i = 0; i < f.length; i++) {
    const al = a[i];
    const fl = f[i] as string;
    if (al === undefined) return false;
    if (al === "#") return true;
    if (fl === "#") return false;
    if (al === "+") continue;
    if (fl === "+" || fl !== al) return false;
  }
  return f.length === a.length;
}

export interface TopicLimits {
  maxLength: number;
  maxLevels: number;
}

/** Why a topic or filter is over the configured size limits (mqtt.maxTopicLength, mqtt.maxTopicLevels), or undefined. */
export function topicOverLimits(topic: string, limits: TopicLimits): string | undefined {
  if (topic.length > limits.maxLength) return `topic of ${topic.length} characters; at most ${limits.maxLength}`;
  let levels = 1;
  for (let i = 0; i < topic.length; i++) if (topic.charCodeAt(i) === 47) levels++;
  if (levels > limits.maxLevels) return `topic of ${levels} levels; at most ${limits.maxLevels}`;
  return undefined;
}

/** The only topics whose messages the broker retains: device status, and the hub's alert summaries. */
export function mayRetain(topic: string): boolean {
  return /^ioc\/v1\/devices\/[^/]+\/status$/.test(topic) || /^ioc\/v1\/alerts\/[^/]+\/summary(\/p[0-9,-]+)?$/.test(topic);
}
