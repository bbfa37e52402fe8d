// The rules config: which sensor rules run with which parameters (per-quantity and per-station
// overrides), and parameter overrides of the vessel rules. Validated with ajv against a schema built
// from the rule modules' own parameter schemas, with errors that name the bad entry and key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { defaultOutageConfig } from "../geofence/rules/dark-outage.js";
import { vesselRules } from "../geofence/rules/registry.js";
import { packageRoot } from "../hub/package-root.js";
import { sensorRuleTypes } from "./sensor-rules/registry.js";

export interface SensorRuleEntry {
  id: string;
  rule: string;
  /** A quantity, a list of them, or "*" for every quantity a station reports. */
  quantity: string | string[];
  severity?: "info" | "warning" | "critical";
  params?: Record<string, unknown>;
  /** Quantity → parameter overrides. */
  quantities?: Record<string, Record<string, unknown>>;
  /** Station id → parameter overrides (win over the quantity's), or `{"enabled": false}`. */
  stations?: Record<string, Record<string, unknown>>;
}

/** Whether an entry watches a quantity: named, in its list, or every quantity ("*"). */
export function watchesQuantity(entry: Pick<SensorRuleEntry, "quantity">, quantity: string): boolean {
  const q = entry.quantity;
  return q === "*" || q === quantity || (Array.isArray(q) && q.includes(quantity));
}

export interface RulesConfig {
  sensor: SensorRuleEntry[];
  /** Vessel rule id → parameter overrides of its defaults. */
  vessel: Record<string, Record<string, unknown>>;
}

export class RulesConfigError extends Error {}

/** A JSON Schema of parameter overrides inferred from a rule's defaults (every key optional, same shapes). */
function schemaOfValue(value: unknown): Record<string, unknown> {
  if (Array.isArray(value)) {
    const first = value[0];
    if (typeof first === "number") return { type: "array", items: { type: "number" }, minItems: value.length, maxItems: value.length };
    return { type: "array", items: first === undefined ? {} : schemaOfValue(first) };
  }
  if (value !== null && typeof value === "object") return schemaOfDefaults(value as Record<string, unknown>);
  return { type: typeof value };
}

function schemaOfDefaults(defaults: Record<string, unknown>): {
  type: "object";
  properties: Record<string, unknown>;
  additionalProperties: false;
} {
  return {
    type: "object",
    properties: Object.fromEntries(Object.entries(defaults).map(([key, value]) => [key, schemaOfValue(value)])),
    additionalProperties: false,
  };
}

function overridesSchema(parameters: Record<string, unknown>): Record<string, unknown> {
  const { required: _required, ...rest } = parameters as { required?: unknown; properties?: Record<string, unknown> };
  return { ...rest, properties: { ...(rest.properties ?? {}), enabled: { type: "boolean" } } };
}

/** The JSON Schema of the rules config (also served as `rules-config`). */
export function rulesConfigSchema(): Record<string, unknown> {
  const entryVariants = Object.values(sensorRuleTypes).map((rule) => ({
    if: { properties: { rule: { const: rule.type } }, required: ["rule"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable.
    then: {
      properties: {
        params: rule.parameters,
        quantities: { type: "object", additionalProperties: overridesSchema(rule.parameters) },
        stations: { type: "object", additionalProperties: overridesSchema(rule.parameters) },
      },
    },
  }));
  const vesselProperties: Record<string, unknown> = Object.fromEntries(
    vesselRules.map((rule) => {
      const params = schemaOfDefaults(rule.defaults as Record<string, unknown>);
      return [
        rule.id,
        {
          ...params,
          properties: { ...params.properties, zones: { type: "object", additionalProperties: params } },
        },
      ];
    }),
  );
  vesselProperties["provider-outage"] = schemaOfDefaults(defaultOutageConfig as unknown as Record<string, unknown>);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://ioc-hub.example/schemas/rules-config.schema.json",
    title: "ioc-hub rules config",
    type: "object",
    properties: {
      $comment: { type: "string" },
      sensor: {
        type: "array",
        items: {
          type: "object",
          properties: {
            id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,63}$", not: { const: "summary" } },
            rule: { enum: Object.keys(sensorRuleTypes) },
            quantity: {
              oneOf: [
                { type: "string", minLength: 1 },
                { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 },
              ],
            },
            severity: { enum: ["info", "warning", "critical"] },
            params: { type: "object" },
            quantities: { type: "object" },
            stations: { type: "object" },
          },
          required: ["id", "rule", "quantity"],
          additionalProperties: false,
          allOf: entryVariants,
        },
      },
      vessel: { type: "object", properties: vesselProperties, additionalProperties: false },
    },
    required: ["sensor"],
    additionalProperties: false,
  };
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(rulesConfigSchema());

function describe(error: ErrorObject): string {
  const where = error.instancePath || "/";
  if (error.keyword === "additionalProperties")
    return `${where}: unknown key "${(error.params as { additionalProperty: string }).additionalProperty}"`;
  return `${where}: ${error.message ?? "is invalid"}`;
}

/** Validates a rules config; throws a RulesConfigError naming every bad key (JSON pointer) otherwise. */
export function parseRulesConfig(value: unknown, origin = "rules config"): RulesConfig {
  if (!validate(value)) {
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== "if" && e.keyword !== "allOf");
    throw new RulesConfigError(`${origin} is invalid: ${[...new Set(errors.map(describe))].join("; ")}`);
  }
  const config = value as unknown as RulesConfig;
  const ids = new Set<string>();
  for (const [i, entry] of config.sensor.entries()) {
    if (ids.has(entry.id)) throw new RulesConfigError(`${origin} is invalid: /sensor/${i}/id: "${entry.id}" is used twice`);
    ids.add(entry.id);
  }
  return { sensor: config.sensor, vessel: config.vessel ?? {} };
}

export const defaultRulesFile = join(packageRoot, "alerts", "default-rules.json");

export function loadRulesFile(file: string): RulesConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new RulesConfigError(`cannot read the rules config ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RulesConfigError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseRulesConfig(value, file);
}
