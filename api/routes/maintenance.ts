// Maintenance windows: while a station, device or vessel is being serviced its alerts are recorded
// but muted (not pushed to MQTT or webhooks). Operators and the owning department manage them.
import type { FastifyPluginAsync } from "fastify";
import type { Database } from "../../store/database.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";

interface WindowRow {
  id: number;
  subject: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  created_by: string;
  created_at: number;
}

const doc = (r: WindowRow) => ({
  id: r.id,
  subject: r.subject,
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

export const maintenanceRoutes =
  (db: Database, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(auth, ["operator", "fisheries", "environment"]));
    app.get("/api/v1/maintenance", { schema: { summary: "Maintenance windows that have not ended" } }, async () => ({
      windows: (db.prepare("SELECT * FROM maintenance_windows WHERE ends_at > ? ORDER BY starts_at").all(Date.now()) as WindowRow[]).map(
        doc,
      ),
    }));
    app.post<{ Body: { subject: string; startsAt?: string; endsAt: string; reason: string } }>(
      "/api/v1/maintenance",
      {
        schema: {
          summary: "Mute the alerts of a subject (station, device or vessel id) for a time",
          body: {
            type: "object",
            properties: {
              subject: { type: "string", minLength: 1, maxLength: 200 },
              startsAt: { type: "string", format: "date-time" },
              endsAt: { type: "string", format: "date-time" },
              reason: { type: "string", minLength: 1, maxLength: 500 },
            },
            required: ["subject", "endsAt", "reason"],
            additionalProperties: false,
          },
        },
      },
      async (request, reply) => {
        const now = Date.now();
        const startsAt = request.body.startsAt ? Date.parse(request.body.startsAt) : now;
        const endsAt = Date.parse(request.body.endsAt);
        if (!(endsAt > startsAt)) return reply.code(400).send(apiError("bad_request", "endsAt must be after startsAt"));
        const result = db
          .prepare(
            "INSERT INTO maintenance_windows (subject, starts_at, ends_at, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          )
          .run(request.body.subject, startsAt, endsAt, request.body.reason, request.principal?.id ?? "unknown", now);
        return reply
          .code(201)
          .send(doc(db.prepare("SELECT * FROM maintenance_windows WHERE id = ?").get(result.lastInsertRowid) as WindowRow));
      },
    );
    app.delete<{ Params: { id: number } }>(
      "/api/v1/maintenance/:id",
      { schema: { summary: "End a maintenance window now", params: { type: "object", properties: { id: { type: "integer" } } } } },
      async (request, reply) => {
        const now = Date.now();
        const result = db
          .prepare("UPDATE maintenance_windows SET ends_at = MAX(starts_at + 1, ?) WHERE id = ? AND ends_at > ?")
          .run(now, request.params.id, now);
        if (result.changes === 0) return reply.code(404).send(apiError("not_found", `no open maintenance window ${request.params.id}`));
        return reply.code(204).send();
      },
    );
  };
