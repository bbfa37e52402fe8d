import { join } from "node:path";
import { pino } from "pino";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../../broker/device-registry.js";
import { ZoneStore } from "../../geofence/zone-store.js";
import { HubMetrics } from "../../hub/metrics.js";
import { packageRoot } from "../../hub/package-root.js";
import { SchemaRegistry } from "../../ingest/schema-registry.js";
import { type Database, openDatabase } from "../../store/database.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { createApp } from "../create-app.js";
import { testBox } from "../../test/support/test-box.js";

describe("/api/v1/zones", () => {
  const dir = tempDir("api-zones");
  let db: Database;
  let app: FastifyInstance;
  let store: ZoneStore;
  let headers: { authorization: string };

  beforeAll(async () => {
    db = openDatabase(dir.path);
    const devices = new DeviceRegistry(db);
    headers = {
      authorization: `Basic ${Buffer.from(`ops:${(await devices.add("ops", { role: "operator" })).password}`).toString("base64")}`,
    };
    store = new ZoneStore(db, join(packageRoot, "zones"));
    app = await createApp({
      log: pino({ level: "silent" }),
      schemas: new SchemaRegistry(),
      registry: new HubMetrics({ processMetrics: false }).registry,
      readiness: () => ({ ready: true, broker: "up", influx: "writing", spool: { bytes: 0, points: 0, oldestAgeMs: 0, full: false } }),
      zones: { store, devices: { devices } },
    });
  });
  afterAll(async () => {
    await app.close();
    db.close();
    dir.remove();
  });

  const closedArea = testBox({ name: "Closed season box", kind: "custom", season: "04-01/06-30" });

  it("lists the shipped zones and serves one", async () => {
    expect((await app.inject("/api/v1/zones")).statusCode).toBe(401);
    const all = (await app.inject({ url: "/api/v1/zones", headers })).json();
    expect(all.type).toBe("FeatureCollection");
    expect(all.features.map((f: { id: string }) => f.id)).toContain("mpa-haivan-soncha");
    const mpa = (await app.inject({ url: "/api/v1/zones/mpa-haivan-soncha", headers })).json();
    expect(mpa.properties).toMatchObject({ id: "mpa-haivan-soncha", kind: "mpa" });
  });

  it("creates, replaces and deletes a managed zone, and the index follows", async () => {
    const created = await app.inject({ method: "PUT", url: "/api/v1/zones/closed-box", headers, payload: closedArea });
    expect(created.statusCode).toBe(201);
    expect(store.index.containing(16.55, 107.95)).toContain("closed-box");
    const replaced = await app.inject({
      method: "PUT",
      url: "/api/v1/zones/closed-box",
      headers,
      payload: { ...closedArea, properties: { ...closedArea.properties, name: "Renamed" } },
    });
    expect([replaced.statusCode, replaced.json().properties.name]).toEqual([200, "Renamed"]);
    expect((await app.inject({ method: "DELETE", url: "/api/v1/zones/closed-box", headers })).statusCode).toBe(204);
    expect(store.index.containing(16.55, 107.95)).not.toContain("closed-box");
    expect((await app.inject({ url: "/api/v1/zones/closed-box", headers })).json().error.code).toBe("zone_not_found");
  });

  it("refuses an invalid zone with the failing coordinate, and deleting a file zone", async () => {
    const open = {
      ...closedArea,
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [107.9, 16.5],
            [108.0, 16.5],
            [108.0, 16.6],
            [107.9, 16.6],
          ],
        ],
      },
    };
    const refused = await app.inject({ method: "PUT", url: "/api/v1/zones/bad", headers, payload: open });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: "zone_invalid", path: "/geometry/coordinates/0/3" });
    const mismatch = await app.inject({
      method: "PUT",
      url: "/api/v1/zones/x",
      headers,
      payload: { ...closedArea, properties: { ...closedArea.properties, id: "y" } },
    });
    expect(mismatch.json().error.path).toBe("/properties/id");
    const fileZone = await app.inject({ method: "DELETE", url: "/api/v1/zones/mpa-haivan-soncha", headers });
    expect([fileZone.statusCode, fileZone.json().error.code]).toEqual([409, "zone_read_only"]);
  });
});
