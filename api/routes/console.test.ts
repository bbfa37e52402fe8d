// The console's stations route while InfluxDB does not answer: the stations are still listed (the
// map draws them, grey), without their indices and readings, not a 500 that leaves the map empty.
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../../broker/device-registry.js";
import { HubMetrics } from "../../hub/metrics.js";
import { packageRoot } from "../../hub/package-root.js";
import { loadStations } from "../../hub/stations-file.js";
import { SchemaRegistry } from "../../ingest/schema-registry.js";
import { InfluxClient } from "../../ingest/sink/influx-client.js";
import { freePort } from "../../ingest/sink/managed-influxd.js";
import { type Database, openDatabase } from "../../store/database.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { createApp } from "../create-app.js";
import { LivePositions } from "../live-positions.js";

describe("/api/v1/stations", () => {
  const dir = tempDir("api-console");
  let db: Database;
  let app: FastifyInstance;
  let operator: string;
  const stations = loadStations(join(packageRoot, "dashboards", "maps", "ioc-stations.geojson"));

  beforeAll(async () => {
    db = openDatabase(dir.path);
    const devices = new DeviceRegistry(db);
    operator = `Basic ${Buffer.from(`ops:${(await devices.add("ops", { role: "operator" })).password}`).toString("base64")}`;
    // An InfluxDB that is down: nothing listens on its port.
    const influx = new InfluxClient({ url: `http://127.0.0.1:${await freePort()}`, db: "ioc" });
    app = await createApp({
      log: pino({ level: "silent" }),
      schemas: new SchemaRegistry(),
      registry: new HubMetrics({ processMetrics: false }).registry,
      readiness: () => ({ ready: true, broker: "up", influx: "spooling", spool: { bytes: 0, points: 0, oldestAgeMs: 0, full: false } }),
      console: {
        auth: { devices },
        landFile: join(packageRoot, "geofence", "land", "hue-land.geojson"),
        stations,
        influx: () => influx,
        positions: new LivePositions(),
      },
    });
  });
  afterAll(async () => {
    await app.close();
    db.close();
    dir.remove();
  });

  it("lists the stations without their live data while InfluxDB does not answer", async () => {
    const response = await app.inject({ url: "/api/v1/stations", headers: { authorization: operator } });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { features: { id: string; properties: { indices: object; latest?: unknown } }[] };
    expect(body.features.map((f) => f.id)).toEqual(stations.map((s) => s.id));
    for (const f of body.features) {
      expect(f.properties.indices).toEqual({});
      expect(f.properties.latest).toBeUndefined();
    }
  });
});
