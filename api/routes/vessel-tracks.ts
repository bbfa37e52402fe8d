// Where vessels are and have been, from InfluxDB: one vessel's track as a GeoJSON LineString with the
// time of every point, and the latest position of every vessel as a FeatureCollection.
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { InfluxClient } from "../../ingest/sink/influx-client.js";
import type { VesselRegistry } from "../../vessels/vessel-registry.js";
import { apiError } from "../api-error.js";
import { type ApiAuth, requireRole } from "../request-auth.js";
import { isUnregisteredVessel } from "../../ingest/vessel-id.js";

const MAX_TRACK_POINTS = 10_000;
const DAY = 86_400_000;

/** InfluxQL string literal. */
const literal = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

function parseTime(value: string | undefined, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(n) ? n : undefined;
}

type Row = Record<string, unknown>;

function rows(series: { columns: string[]; values: unknown[][]; tags?: Record<string, string> }[]): Row[] {
  return series.flatMap((s) => s.values.map((v) => ({ ...(s.tags ?? {}), ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) })));
}

export const vesselTrackRoutes =
  (influx: () => InfluxClient | undefined, vessels: VesselRegistry, devices: ApiAuth): FastifyPluginAsync =>
  async (app) => {
    app.addHook("preHandler", requireRole(devices, ["operator", "integration", "fisheries"]));
    const client = (reply: FastifyReply) => {
      const c = influx();
      if (!c) reply.code(503).send(apiError("influx_unavailable", "no InfluxDB is configured"));
      return c;
    };

    app.get<{ Querystring: { maxAgeHours?: string } }>("/api/v1/vessels/latest", async (request, reply) => {
      const c = client(reply);
      if (!c) return reply;
      const hours = Math.min(24 * 90, Math.max(1, Number(request.query.maxAgeHours ?? 24 * 7) || 24 * 7));
      const [series = []] = await c.query(
        `SELECT * FROM "vessel_position" WHERE time > now() - ${hours}h GROUP BY "vessel" ORDER BY time DESC LIMIT 1`,
      );
      return {
        type: "FeatureCollection",
        features: rows(series).map((r) => {
          const vessel = r.vessel as string;
          const registered = vessels.find(vessel);
          return {
            type: "Feature",
            id: vessel,
            geometry: { type: "Point", coordinates: [r.lon, r.lat] },
            properties: {
              vessel,
              registered: Boolean(registered),
              ...(registered && { name: registered.name, lengthM: registered.lengthM }),
              time: new Date(r.time as number).toISOString(),
              source: r.source,
              ...(r.mmsi != null && { mmsi: Number(r.mmsi) }),
              ...(r.sog != null && { sogKn: r.sog }),
              ...(r.cog != null && { cogDeg: r.cog }),
              ...(r.nav_status != null && { navStatus: r.nav_status }),
            },
          };
        }),
      };
    });

    app.get<{ Params: { id: string }; Querystring: { from?: string; to?: string } }>(
      "/api/v1/vessels/:id/track",
      async (request, reply) => {
        const id = request.params.id;
        if (!isUnregisteredVessel(id) && !vessels.find(id)) return reply.code(404).send(apiError("vessel_not_found", `no vessel ${id}`));
        const now = Date.now();
        const to = parseTime(request.query.to, now);
        const from = parseTime(request.query.from, (to ?? now) - DAY);
        if (from === undefined || to === undefined || from > to)
          return reply.code(400).send(apiError("bad_request", "from and to are ISO times or Unix ms, from before to"));
        const c = client(reply);
        if (!c) return reply;
        const [series = []] = await c.query(
          `SELECT "lat", "lon", "sog", "cog", "source" FROM "vessel_position" WHERE "vessel" = ${literal(id)} AND time >= ${from}ms AND time <= ${to}ms ORDER BY time ASC LIMIT ${MAX_TRACK_POINTS}`,
        );
        const points = rows(series);
        return {
          type: "Feature",
          id,
          geometry: points.length >= 2 ? { type: "LineString", coordinates: points.map((p) => [p.lon, p.lat]) } : null,
          properties: {
            vessel: id,
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            points: points.length,
            truncated: points.length === MAX_TRACK_POINTS,
            times: points.map((p) => new Date(p.time as number).toISOString()),
            sources: points.map((p) => p.source),
            sogKn: points.map((p) => p.sog ?? null),
            ...(points.length === 1 && { position: [points[0]?.lon, points[0]?.lat] }),
          },
        };
      },
    );
  };
