// Device credentials over REST (admin only): list, disable, enable, rotate (the new password is in
// the response, once). A disabled or rotated device that is connected is disconnected within
// seconds by the broker's revocation sweep, as it is after the same change through the CLI.
import type { FastifyPluginAsync } from "fastify";
import type { DeviceRegistry } from "../../broker/device-registry.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

export const deviceRoutes =
  (devices: DeviceRegistry, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(auth, ["admin"]));
    app.get("/api/v1/devices", { schema: { summary: "Registered devices and accounts (never their secrets)" } }, async () => ({
      devices: devices.list(),
    }));
    for (const action of ["disable", "enable", "rotate"] as const) {
      app.post<{ Params: { id: string } }>(
        `/api/v1/devices/:id/${action}`,
        {
          schema: {
            summary: {
              disable: "Refuse a device (disconnects it)",
              enable: "Allow a device again",
              rotate: "New password (shown once; disconnects the old sessions)",
            }[action],
          },
        },
        async (request, reply) => {
          const { id } = request.params;
          if (!devices.find(id)) return reply.code(404).send(apiError("device_not_found", `no device "${id}"`));
          request.log.info({ deviceId: id, action, by: request.principal?.id }, "device credentials changed over REST");
          if (action === "rotate") {
            const { device, password } = await devices.rotate(id);
            return { device, password };
          }
          return { device: devices.setDisabled(id, action === "disable") };
        },
      );
    }
  };
