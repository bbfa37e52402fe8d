// The vessel register over REST: list (registered, or the unregistered transmitters officers need to
// see), read, create, change. Operators and integrations only.
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { VesselIdentity } from "../../vessels/vessel-identity.js";
import { VesselError, type VesselRegistry } from "../../vessels/vessel-registry.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";
import { unregisteredAisVessel, unregisteredVmsVessel } from "../../ingest/vessel-id.js";

const STATUS: Record<VesselError["code"], number> = {
  vessel_invalid: 400,
  vessel_exists: 409,
  vessel_conflict: 409,
  vessel_not_found: 404,
};

function sendError(reply: FastifyReply, error: unknown) {
  if (error instanceof VesselError) return reply.code(STATUS[error.code]).send(apiError(error.code, error.message));
  throw error;
}

export const vesselRoutes =
  (vessels: VesselRegistry, identity: VesselIdentity, devices: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    // Fisheries officers read the register (the console's vessel card); operators and integrations keep it.
    const read = requireRole(devices, ["operator", "integration", "fisheries"]);
    const write = requireRole(devices, ["operator", "integration"]);

    const observed = () => new Map(identity.transmitters().map((t) => [t.mmsi, t]));

    app.get<{ Querystring: { registered?: string } }>("/api/v1/vessels", { preHandler: read }, async (request) => {
      const transmitters = observed();
      if (request.query.registered === "false") {
        const transmittersOnAis = [...transmitters.values()]
          .filter((t) => !t.vessel)
          .map(({ vessel, ...t }) => ({ id: unregisteredAisVessel(t.mmsi), registered: false, ...t }));
        const terminalsOnVms = identity
          .unknownTerminals()
          .filter((t) => !t.vessel)
          .map(({ vessel, terminal, ...t }) => ({ id: unregisteredVmsVessel(terminal), registered: false, vmsDeviceId: terminal, ...t }));
        return { vessels: [...transmittersOnAis, ...terminalsOnVms] };
      }
      return {
        vessels: vessels.list().map((v) => ({
          ...v,
          registered: true,
          ...(v.mmsi !== undefined && transmitters.has(v.mmsi) && { observed: transmitters.get(v.mmsi) }),
        })),
      };
    });

    app.get<{ Params: { id: string } }>("/api/v1/vessels/:id", { preHandler: read }, async (request, reply) => {
      try {
        const vessel = vessels.get(request.params.id);
        const seen = vessel.mmsi !== undefined ? observed().get(vessel.mmsi) : undefined;
        return { ...vessel, registered: true, ...(seen && { observed: seen }) };
      } catch (error) {
        return sendError(reply, error);
      }
    });

    app.post("/api/v1/vessels", { preHandler: write }, async (request, reply) => {
      try {
        const vessel = vessels.create(request.body);
        return reply
          .code(201)
          .header("location", `/api/v1/vessels/${encodeURIComponent(vessel.id)}`)
          .send(vessel);
      } catch (error) {
        return sendError(reply, error);
      }
    });

    app.patch<{ Params: { id: string } }>("/api/v1/vessels/:id", { preHandler: write }, async (request, reply) => {
      try {
        return vessels.update(request.params.id, request.body);
      } catch (error) {
        return sendError(reply, error);
      }
    });
  };
