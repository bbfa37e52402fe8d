// The province's air and water stations for the console's map: a GeoJSON FeatureCollection of points,
// each with its id (the station's device id), a name and a kind. Checked with a schema at start, with
// an error that names the bad feature; a station whose id appears twice is an error too.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";

export interface StationFeature {
  type: "Feature";
  id: string;
  properties: { id: string; name: string; kind?: string } & Record<string, unknown>;
  geometry: { type: "Point"; coordinates: [number, number] };
}

const schema = {
  type: "object",
  required: ["type", "features"],
  properties: {
    type: { const: "FeatureCollection" },
    features: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "properties", "geometry"],
        properties: {
          type: { const: "Feature" },
          id: { type: "string", minLength: 1 },
          properties: {
            type: "object",
            required: ["id", "name"],
            properties: {
              id: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" },
              name: { type: "string", minLength: 1 },
              kind: { type: "string" },
            },
          },
          geometry: {
            type: "object",
            required: ["type", "coordinates"],
            properties: {
              type: { const: "Point" },
              coordinates: {
                type: "array",
                prefixItems: [
                  { type: "number", minimum: -180, maximum: 180 },
                  { type: "number", minimum: -90, maximum: 90 },
                ],
                minItems: 2,
                maxItems: 3,
              },
            },
          },
        },
      },
    },
  },
};

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const describe = (e: ErrorObject) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`;

export class StationsFileError extends Error {}

export function loadStations(file: string): StationFeature[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StationsFileError(`stations file ${file}: ${(error as Error).message}`);
  }
  if (!validate(data)) throw new StationsFileError(`stations file ${file}: ${(validate.errors ?? []).map(describe).join("; ")}`);
  const features = (data as { features: StationFeature[] }).features;
  const seen = new Set<string>();
  return features.map((f, i) => {
    const id = f.properties.id;
    if (f.id !== undefined && f.id !== id)
      throw new StationsFileError(`stations file ${file}: /features/${i}: id "${f.id}" is not properties.id "${id}"`);
    if (seen.has(id)) throw new StationsFileError(`stations file ${file}: /features/${i}: station ${id} is listed twice`);
    seen.add(id);
    return { ...f, id };
  });
}
