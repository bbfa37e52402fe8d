// The published JSON Schemas, served as they are in schemas/.
import type { FastifyPluginAsync } from "fastify";
import { type SchemaRegistry, schemaNames } from "../../ingest/schema-registry.js";
import { apiError } from "../api-error.js";

export const schemaRoutes =
  (schemas: SchemaRegistry): FastifyPluginAsync =>
  async (app) => {
    app.get("/api/v1/schemas", async () => ({ schemas: schemaNames.map((name) => ({ name, href: `/api/v1/schemas/${name}` })) }));
    app.get<{ Params: { name: string } }>("/api/v1/schemas/:name", async (request, reply) => {
      const name = request.params.name.replace(/\.schema\.json$|\.json$/, "");
      if (!schemas.has(name)) return reply.code(404).send(apiError("schema_not_found", `no schema "${name}"`));
      return reply.header("content-type", "application/schema+json").send(schemas.document(name));
    });
  };
