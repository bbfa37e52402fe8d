// Webhook subscriptions over REST (admin only): create (the signing secret is shown once), list,
// delete, and the dead-letter list of each.
import type { FastifyPluginAsync } from "fastify";
import type { WebhookDelivery, WebhookFilter } from "../../alerts/webhook-delivery.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

const stringList = { type: "array", items: { type: "string", minLength: 1 }, minItems: 1 } as const;

export const webhookRoutes =
  (webhooks: WebhookDelivery, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(auth, ["admin"]));
    app.get("/api/v1/webhooks", { schema: { summary: "Webhook subscriptions (without secrets)" } }, async () => ({
      webhooks: webhooks.list(),
    }));
    app.post<{ Body: { url: string; secret?: string; filter?: WebhookFilter; escalationOnly?: boolean } }>(
      "/api/v1/webhooks",
      {
        schema: {
          summary: "Subscribe a URL to alert events; the response holds the signing secret, once",
          body: {
            type: "object",
            properties: {
              url: { type: "string", pattern: "^https?://", maxLength: 2000 },
              secret: { type: "string", minLength: 16, maxLength: 200 },
              filter: {
                type: "object",
                properties: {
                  domains: { type: "array", items: { enum: ["fisheries", "environment", "system"] }, minItems: 1 },
                  severities: { type: "array", items: { enum: ["info", "warning", "critical"] }, minItems: 1 },
                  subjects: stringList,
                  zones: stringList,
                },
                additionalProperties: false,
              },
              escalationOnly: { type: "boolean" },
            },
            required: ["url"],
            additionalProperties: false,
          },
        },
      },
      async (request, reply) => {
        const { url, secret, filter, escalationOnly } = request.body;
        return reply.code(201).send(webhooks.add(url, filter ?? {}, escalationOnly ?? false, secret));
      },
    );
    app.delete<{ Params: { id: string } }>(
      "/api/v1/webhooks/:id",
      { schema: { summary: "Delete a subscription" } },
      async (request, reply) =>
        webhooks.remove(request.params.id)
          ? reply.code(204).send()
          : reply.code(404).send(apiError("not_found", `no webhook ${request.params.id}`)),
    );
    app.get<{ Params: { id: string } }>(
      "/api/v1/webhooks/:id/dead-letters",
      { schema: { summary: "Events a subscription could not deliver" } },
      async (request) => ({ deadLetters: webhooks.deadLetters(request.params.id) }),
    );
  };
