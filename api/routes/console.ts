// The operator console (console/, built by Vite into dist/console) at `/`, and what its map needs
// besides the vessel and zone routes: the base layer (the coastline the hub's land rule uses, so
// the map works with no internet and no tile server), the stations with their current index, and
// live vessel positions over WebSocket.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import type { WebSocket } from "ws";
import { type IndexCategory, aqiCategories } from "../../alerts/indices/air-quality-index.js";
import { wqiCategories } from "../../alerts/indices/water-quality-index.js";
import { packageRoot } from "../../hub/package-root.js";
import type { StationFeature } from "../../hub/stations-file.js";
import { quantities } from "../../ingest/quantities.js";
import type { InfluxClient } from "../../ingest/sink/influx-client.js";
import { apiError } from "../api-error.js";
import type { LivePositions } from "../live-positions.js";
import { type ApiAuth, closeWhenRevoked, requireRole } from "../request-auth.js";

export interface ConsoleDeps {
  auth: ApiAuth;
  landFile: string;
  /** The province's stations (hub/stations-file.ts). */
  stations: readonly StationFeature[];
  influx: () => InfluxClient | undefined;
  positions: LivePositions;
  /** The built console; absent until `npm run build`. */
  root?: string;
}

const MAX_BUFFERED_BYTES = 1024 * 1024;

export const consoleRoutes =
  (deps: ConsoleDeps): FastifyPluginAsync =>
  async (app) => {
    const read = requireRole(deps.auth, ["operator", "fisheries", "environment"]);
    const root = deps.root ?? join(packageRoot, "dist", "console");
    if (existsSync(join(root, "index.html"))) {
      await app.register(fastifyStatic, { root, prefix: "/", index: ["index.html"], wildcard: false });
    } else {
      app.get("/", { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).send(apiError("console_not_built", "the operator console is not built: run `npm run build`")),
      );
    }
    const land = readFileSync(deps.landFile, "utf8");
    app.get(
      "/api/v1/basemap",
      { preHandler: read, schema: { summary: "The coastline (land polygons) the console's map draws" } },
      async (_r, reply) => reply.type("application/geo+json").send(land),
    );
    // Each index's category names in Vietnamese and English, from the index tables: the same id means
    // another band in VN_AQI and VN_WQI ("poor" is Kém in one and Xấu in the other).
    const names = (categories: readonly IndexCategory[]) => new Map(categories.map((c) => [c.id, { vi: c.vi, en: c.en }]));
    const categoryNames: Record<string, Map<string, { vi: string; en: string }>> = {
      vn_aqi: names(aqiCategories.vn),
      us_aqi: names(aqiCategories.us),
      vn_wqi: names(wqiCategories),
    };
    app.get(
      "/api/v1/stations",
      {
        preHandler: read,
        schema: { summary: "Air and water stations with their latest hourly index (VN_AQI, VN_WQI) and latest reading" },
      },
      async (request) => {
        const latest = new Map<string, Record<string, unknown>>();
        const readingsOf = new Map<string, { time: string; values: Record<string, { value: number; unit: string }> }>();
        const client = deps.influx();
        // Without InfluxDB (down, or not configured yet) the stations are still listed, without their live data.
        if (client) {
          try {
            const [series = []] = await client.query(
              `SELECT last("value") AS "value", last("category") AS "category" FROM "env_index" WHERE "period" = '1h' AND time > now() - 6h GROUP BY "station", "index"`,
            );
            for (const s of series) {
              const station = s.tags?.station as string;
              const row = s.values[0] ?? [];
              const entry = latest.get(station) ?? {};
              const index = s.tags?.index as string;
              const name = categoryNames[index]?.get(row[2] as string);
              entry[index] = { value: row[1], category: row[2], ...(name && { name }), time: new Date(row[0] as number).toISOString() };
              latest.set(station, entry);
            }
            // Each station's latest reading: its values in their stored (canonical) units, for the console's station card.
            const [readings = []] = await client.query(
              `SELECT * FROM "env_reading" WHERE time > now() - 6h GROUP BY "station" ORDER BY time DESC LIMIT 1`,
            );
            for (const s of readings) {
              const row = s.values[0] ?? [];
              const values: Record<string, { value: number; unit: string }> = {};
              s.columns.forEach((column, i) => {
                const quantity = quantities[column];
                if (quantity && typeof row[i] === "number") values[column] = { value: row[i] as number, unit: quantity.unit };
              });
              readingsOf.set(s.tags?.station as string, { time: new Date(row[0] as number).toISOString(), values });
            }
          } catch (error) {
            request.log.warn({ err: error }, "stations listed without their indices and readings: InfluxDB did not answer");
          }
        }
        return {
          type: "FeatureCollection",
          features: deps.stations.map((f) => {
            const reading = readingsOf.get(f.id);
            return { ...f, properties: { ...f.properties, indices: latest.get(f.id) ?? {}, ...(reading && { latest: reading }) } };
          }),
        };
      },
    );
    app.get(
      "/api/v1/vessels/stream",
      {
        websocket: true,
        preHandler: requireRole(deps.auth, ["operator", "fisheries"]),
        schema: { summary: "Live vessel positions (at most one per vessel per second)" },
      },
      (socket: WebSocket, request) => {
        closeWhenRevoked(socket, request.principal, deps.auth);
        const unsubscribe = deps.positions.subscribe((position) => {
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return; // a slow browser skips positions; the next one comes soon
          socket.send(JSON.stringify(position));
        });
        socket.on("close", unsubscribe);
      },
    );
  };
