// Alerts for operators and officers: list, one alert with its audit trail, acknowledge / comment /
// close, and the live stream over WebSocket with resume from a cursor (the event sequence number):
// a client that reconnects with ?after=<last seq it saw> gets every event it missed, once, in order.
// Each role sees only its domains (fisheries, environment; operators and admins all).
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { WebSocket } from "ws";
import { AlertActionError, type AlertLifecycle } from "../../alerts/alert-lifecycle.js";
import { type AlertEvent, type AlertState, type Domain, type Severity, alertDocument } from "../../alerts/alert-store.js";
import { eventMessage } from "../../alerts/mqtt-alert-publisher.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole, visibleDomains, closeWhenRevoked } from "../request-auth.js";

const PAGE_MAX = 500;
/** Alerts one bulk action may name. */
const BULK_MAX = 1000;
/** A stream client further behind than this is disconnected and resumes with ?after=. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const alertSchema = { type: "object", additionalProperties: true } as const;
const actionBody = {
  type: "object",
  properties: { comment: { type: "string", minLength: 1, maxLength: 2000 } },
  additionalProperties: false,
} as const;

/** An action the alert's state or the caller's domains do not allow, as the API says it. */
const refusal = (error: AlertActionError) => apiError(error.code === "not_found" ? "alert_not_found" : "alert_conflict", error.message);

function actionError(reply: FastifyReply, error: unknown) {
  if (error instanceof AlertActionError) return reply.code(error.code === "not_found" ? 404 : 409).send(refusal(error));
  throw error;
}

export const alertRoutes =
  (lifecycle: AlertLifecycle, auth: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    const store = lifecycle.store;
    app.addHook("preHandler", requireRole(auth, ["operator", "fisheries", "environment"]));

    app.get<{
      Querystring: {
        state?: AlertState | "open";
        domain?: Domain;
        severity?: Severity;
        subject?: string;
        since?: string;
        before?: number;
        limit?: number;
      };
    }>(
      "/api/v1/alerts",
      {
        schema: {
          summary: "List alerts, newest first (paginate with ?before=<id of the last alert of the page>)",
          querystring: {
            type: "object",
            properties: {
              state: { enum: ["raised", "acknowledged", "cleared", "closed", "open"] },
              domain: { enum: ["fisheries", "environment", "system"] },
              severity: { enum: ["info", "warning", "critical"] },
              subject: { type: "string" },
              since: { type: "string", format: "date-time" },
              before: { type: "integer", minimum: 1 },
              limit: { type: "integer", minimum: 1, maximum: PAGE_MAX, default: 100 },
            },
            additionalProperties: false,
          },
          response: {
            200: {
              type: "object",
              properties: {
                alerts: { type: "array", items: alertSchema },
                next: { type: ["integer", "null"] },
                seq: { type: "integer", description: "event cursor of this page: open the stream with ?after=<seq>" },
              },
            },
          },
        },
      },
      async (request) => {
        const q = request.query;
        // The event cursor at the time of this page: a client that then opens the stream with
        // ?after=<seq> misses nothing and sees nothing twice (SQLite reads here are synchronous).
        const seq = store.lastSeq();
        const allowed = visibleDomains(request.principal?.role ?? "integration");
        const domains = q.domain ? allowed.filter((d) => d === q.domain) : allowed;
        const limit = q.limit ?? 100;
        const rows =
          domains.length === 0
            ? []
            : store.query({
                ...(q.state && { state: q.state }),
                domains,
                ...(q.severity && { severity: q.severity }),
                ...(q.subject && { subject: q.subject }),
                ...(q.since && { sinceMs: Date.parse(q.since) }),
                ...(q.before && { beforeId: q.before }),
                limit,
              });
        return { alerts: rows.map(alertDocument), next: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null, seq };
      },
    );

    app.get<{ Params: { id: number } }>(
      "/api/v1/alerts/:id",
      {
        schema: {
          summary: "One alert with its audit trail",
          params: { type: "object", properties: { id: { type: "integer", minimum: 1 } }, required: ["id"] },
        },
      },
      async (request, reply) => {
        const row = store.get(request.params.id);
        if (!row || !visibleDomains(request.principal?.role ?? "integration").includes(row.domain)) {
          return reply.code(404).send(apiError("alert_not_found", `no alert ${request.params.id}`));
        }
        return { ...alertDocument(row), audit: store.audit(row.id) };
      },
    );

    for (const action of ["ack", "comment", "close"] as const) {
      app.post<{ Params: { id: number }; Body: { comment?: string } | undefined }>(
        `/api/v1/alerts/:id/${action}`,
        {
          schema: {
            summary: { ack: "Acknowledge a raised alert", comment: "Add a comment to the audit trail", close: "Close an alert" }[action],
            params: { type: "object", properties: { id: { type: "integer", minimum: 1 } }, required: ["id"] },
            body: action === "comment" ? { ...actionBody, required: ["comment"] } : actionBody,
          },
        },
        async (request, reply) => {
          const row = store.get(request.params.id);
          if (!row || !visibleDomains(request.principal?.role ?? "integration").includes(row.domain)) {
            return reply.code(404).send(apiError("alert_not_found", `no alert ${request.params.id}`));
          }
          const actor = request.principal?.id ?? "unknown";
          const comment = request.body?.comment;
          try {
            const event =
              action === "ack"
                ? lifecycle.acknowledge(row.id, actor, comment)
                : action === "close"
                  ? lifecycle.close(row.id, actor, comment)
                  : lifecycle.comment(row.id, actor, comment as string);
            return { ...event.alert, audit: store.audit(row.id) };
          } catch (error) {
            return actionError(reply, error);
          }
        },
      );
    }

    // The same on many alerts at once: an operator working through a storm (a fleet leaving port, a
    // provider back with its backlog). One transaction; each id's outcome, the others done regardless.
    for (const action of ["ack", "close"] as const) {
      app.post<{ Body: { ids: number[]; comment?: string } }>(
        `/api/v1/alerts/${action}`,
        {
          schema: {
            summary: { ack: "Acknowledge several raised alerts", close: "Close several alerts" }[action],
            body: {
              type: "object",
              properties: {
                ids: { type: "array", items: { type: "integer", minimum: 1 }, minItems: 1, maxItems: BULK_MAX, uniqueItems: true },
                comment: actionBody.properties.comment,
              },
              required: ["ids"],
              additionalProperties: false,
            },
          },
        },
        async (request) => {
          const domains = visibleDomains(request.principal?.role ?? "integration");
          const outcomes = lifecycle.actOnMany(action, request.body.ids, request.principal?.id ?? "unknown", request.body.comment, (row) =>
            domains.includes(row.domain),
          );
          return {
            results: outcomes.map(({ id, event, error }) =>
              event ? { id, ok: true, state: event.alert.state } : { id, ok: false, ...refusal(error as AlertActionError) },
            ),
          };
        },
      );
    }

    app.get<{ Querystring: { after?: number } }>(
      "/api/v1/alerts/stream",
      {
        websocket: true,
        schema: {
          summary: "Live alert events over WebSocket; resume with ?after=<seq>",
          querystring: {
            type: "object",
            properties: { after: { type: "integer", minimum: 0 }, access_token: { type: "string" } },
            additionalProperties: false,
          },
        },
      },
      (socket: WebSocket, request) => {
        closeWhenRevoked(socket, request.principal, auth);
        const domains = visibleDomains(request.principal?.role ?? "integration");
        let last = request.query.after ?? store.lastSeq();
        let replaying = true;
        const pending: AlertEvent[] = [];
        const send = (event: AlertEvent) => {
          if (event.seq <= last || !domains.includes(event.alert.domain)) return;
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            socket.close(1013, `too far behind: reconnect with ?after=${last}`);
            return;
          }
          socket.send(JSON.stringify({ seq: event.seq, ...eventMessage(event) }));
          last = event.seq;
        };
        const unsubscribe = lifecycle.onEvent((event) => (replaying ? pending.push(event) : send(event)));
        socket.on("close", unsubscribe);
        // Replay what the client missed, then the events that arrived meanwhile, then live.
        for (;;) {
          const events = store.eventsAfter(last, PAGE_MAX, domains);
          for (const event of events) send(event);
          if (events.length < PAGE_MAX || socket.readyState !== socket.OPEN) break;
        }
        replaying = false;
        for (const event of pending) send(event);
        socket.send(JSON.stringify({ type: "live", seq: last }));
      },
    );
  };
