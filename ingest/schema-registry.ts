// The published JSON Schemas (schemas/*.schema.json, draft 2020-12), compiled once with ajv.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { packageRoot } from "../hub/package-root.js";
import { type Rejection, reject } from "./rejection.js";

/** Every published schema; each is served at GET /api/v1/schemas/{name}. */
export const schemaNames = ["sensor-reading", "sensor-batch", "senml", "ingest-error", "vessel", "vms-position"] as const;
export type SchemaName = (typeof schemaNames)[number];

export const schemaDir = join(packageRoot, "schemas");

export function schemaPath(name: SchemaName): string {
  return join(schemaDir, `${name}.schema.json`);
}

function load(name: SchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaPath(name), "utf8")) as Record<string, unknown>;
}

export class SchemaRegistry {
  private readonly ajv = new Ajv2020({ allErrors: false, strict: true, verbose: true });
  private readonly documents = new Map<SchemaName, Record<string, unknown>>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    (addFormats as unknown as (ajv: Ajv2020) => void)(this.ajv);
    for (const name of schemaNames) {
      const doc = load(name);
      this.documents.set(name, doc);
      this.ajv.addSchema(doc, name);
    }
  }

  has(name: string): name is SchemaName {
    return this.documents.has(name as SchemaName);
  }

  document(name: SchemaName): Record<string, unknown> {
    return this.documents.get(name) as Record<string, unknown>;
  }

  /** A compiled validator for a schema or a fragment of one (`senml#/$defs/record`). */
  validator(ref: string): ValidateFunction {
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.getSchema(ref);
      if (!validate) throw new Error(`no schema ${ref}`);
      this.validators.set(ref, validate);
    }
    return validate;
  }
}

/**
 * The first ajv error as a rejection. A number that is not finite (a literal like 1e400 parses to
 * Infinity) fails `type: number`; it gets its own reason, since "must be number" would mislead.
 */
export function schemaRejection(errors: ErrorObject[] | null | undefined, prefix: string, schema: SchemaName): Rejection {
  const error = errors?.[0];
  if (!error) return reject("schema_violation", "does not match the schema", { path: prefix || "/", schemaPath: "#", schema });
  const path = `${prefix}${error.instancePath}` || "/";
  if (error.keyword === "type" && typeof error.data === "number" && !Number.isFinite(error.data)) {
    return reject("value_not_finite", `${path} is ${error.data}`, { path, schema });
  }
  let message = error.message ?? "is invalid";
  if (error.keyword === "additionalProperties") message = `unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "enum") message = `${message}: ${(error.params.allowedValues as unknown[]).join(", ")}`;
  return reject("schema_violation", message, { path, schemaPath: error.schemaPath, schema });
}
