// Zones over REST: the set in force as a FeatureCollection, one zone, create/replace, delete.
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { ZoneError } from "../../geofence/zone.js";
import { type ZoneStore, ZoneStoreError } from "../../geofence/zone-store.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

function sendError(reply: FastifyReply, error: unknown) {
  if (error instanceof ZoneError)
    return reply.code(400).send({ error: { code: "zone_invalid", message: error.message, path: error.path } });
  if (error instanceof ZoneStoreError)
    return reply.code(error.code === "zone_not_found" ? 404 : 409).send(apiError(error.code, error.message));
  throw error;
}

export const zoneRoutes =
  (zones: ZoneStore, devices: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    // Anyone who watches vessels may see the zones (the console draws them); changing them is for operators.
    const read = { preHandler: requireRole(devices, ["operator", "integration", "fisheries"]) };
    const write = { preHandler: requireRole(devices, ["operator", "integration"]) };
    app.get("/api/v1/zones", read, async () => zones.collection());
    app.get<{ Params: { id: string } }>("/api/v1/zones/:id", read, async (request, reply) => {
      try {
        return zones.get(request.params.id);
      } catch (error) {
        return sendError(reply, error);
      }
    });
    app.put<{ Params: { id: string } }>("/api/v1/zones/:id", write, async (request, reply) => {
      try {
        const { created, zone } = zones.put(request.params.id, request.body);
        return reply.code(created ? 201 : 200).send(zone);
      } catch (error) {
        return sendError(reply, error);
      }
    });
    app.delete<{ Params: { id: string } }>("/api/v1/zones/:id", write, async (request, reply) => {
      try {
        zones.delete(request.params.id);
        return reply.code(204).send();
      } catch (error) {
        return sendError(reply, error);
      }
    });
  };
