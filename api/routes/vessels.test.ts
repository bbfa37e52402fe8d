import { pino } from "pino";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeviceRegistry } from "../../broker/device-registry.js";
import { ApiTokens } from "../api-tokens.js";
import { HubMetrics } from "../../hub/metrics.js";
import { SchemaRegistry } from "../../ingest/schema-registry.js";
import { type Database, openDatabase } from "../../store/database.js";
import { tempDir } from "../../test/support/temp-dir.js";
import { VesselIdentity } from "../../vessels/vessel-identity.js";
import { VesselRegistry } from "../../vessels/vessel-registry.js";
import { createApp } from "../create-app.js";

describe("/api/v1/vessels", () => {
  const dir = tempDir("api-vessels");
  let db: Database;
  let app: FastifyInstance;
  let identity: VesselIdentity;
  let operator: string;
  let station: string;
  let fisheries: string;

  beforeAll(async () => {
    db = openDatabase(dir.path);
    const devices = new DeviceRegistry(db);
    const schemas = new SchemaRegistry();
    const registry = new VesselRegistry(db, schemas, /^[A-Z]{2,4}-\d{5}-TS$/u);
    identity = new VesselIdentity(registry, db);
    const basic = (id: string, password: string) => `Basic ${Buffer.from(`${id}:${password}`).toString("base64")}`;
    operator = basic("ops-1", (await devices.add("ops-1", { role: "operator" })).password);
    station = basic("air-1", (await devices.add("air-1", { kind: "air" })).password);
    const tokens = new ApiTokens(db);
    fisheries = `Bearer ${(await tokens.add("officer", "fisheries")).secret}`;
    app = await createApp({
      log: pino({ level: "silent" }),
      schemas,
      registry: new HubMetrics({ processMetrics: false }).registry,
      readiness: () => ({ ready: true, broker: "up", influx: "writing", spool: { bytes: 0, points: 0, oldestAgeMs: 0, full: false } }),
      vessels: {
        registry,
        identity,
        devices: { devices, tokens },
        influx: () => undefined,
        pipeline: { ingest: async () => ({ accepted: 0, rejections: [] }) },
      },
    });
  });
  afterAll(async () => {
    await app.close();
    db.close();
    dir.remove();
  });

  const boat = { id: "TTH-90123-TS", name: "TTH 90123", lengthM: 16.5, mmsi: 574123456, vmsDeviceId: "VMS-0042" };

  it("needs an operator or integration account", async () => {
    expect((await app.inject("/api/v1/vessels")).statusCode).toBe(401);
    expect((await app.inject({ url: "/api/v1/vessels", headers: { authorization: "Basic b3BzLTE6d3Jvbmc=" } })).json().error.code).toBe(
      "unauthorized",
    );
    const forbidden = await app.inject({ url: "/api/v1/vessels", headers: { authorization: station } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe("forbidden");
  });

  it("creates, reads and changes a vessel, with clear errors", async () => {
    const headers = { authorization: operator };
    const created = await app.inject({ method: "POST", url: "/api/v1/vessels", headers, payload: boat });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe("/api/v1/vessels/TTH-90123-TS");
    expect((await app.inject({ method: "POST", url: "/api/v1/vessels", headers, payload: boat })).json().error.code).toBe("vessel_exists");
    const conflict = await app.inject({
      method: "POST",
      url: "/api/v1/vessels",
      headers,
      payload: { ...boat, id: "TTH-00001-TS", vmsDeviceId: "x" },
    });
    expect([conflict.statusCode, conflict.json().error.code]).toEqual([409, "vessel_conflict"]);
    const invalid = await app.inject({ method: "POST", url: "/api/v1/vessels", headers, payload: { ...boat, id: "TTH-1-TS" } });
    expect([invalid.statusCode, invalid.json().error.code]).toEqual([400, "vessel_invalid"]);
    const patched = await app.inject({ method: "PATCH", url: "/api/v1/vessels/TTH-90123-TS", headers, payload: { homePort: "Thuận An" } });
    expect(patched.json()).toMatchObject({ id: "TTH-90123-TS", homePort: "Thuận An" });
    expect((await app.inject({ url: "/api/v1/vessels/TTH-99999-TS", headers })).statusCode).toBe(404);
  });

  it("lists registered vessels with what their transmitters said, and the unregistered transmitters", async () => {
    const headers = { authorization: operator };
    identity.resolve({
      type: "vessel_position",
      vessel: "unregistered:574123456",
      mmsi: 574123456,
      source: "ais",
      timeMs: 1000,
      lat: 16.5,
      lon: 107.7,
    });
    identity.resolve({
      type: "vessel_static",
      vessel: "unregistered:574555555",
      mmsi: 574555555,
      timeMs: 2000,
      name: "LA VANG 7",
      callsign: "XVAB",
    });
    const registered = (await app.inject({ url: "/api/v1/vessels", headers })).json().vessels;
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({ id: "TTH-90123-TS", registered: true, observed: { mmsi: 574123456, vessel: "TTH-90123-TS" } });
    const unregistered = (await app.inject({ url: "/api/v1/vessels?registered=false", headers })).json().vessels;
    expect(unregistered).toEqual([
      {
        id: "unregistered:574555555",
        registered: false,
        mmsi: 574555555,
        name: "LA VANG 7",
        callsign: "XVAB",
        firstSeenAt: "1970-01-01T00:00:02.000Z",
        lastSeenAt: "1970-01-01T00:00:02.000Z",
      },
    ]);
    const one = (await app.inject({ url: "/api/v1/vessels/TTH-90123-TS", headers })).json();
    expect(one.observed.lastSeenAt).toBe("1970-01-01T00:00:01.000Z");
  });

  it("lists the VMS terminals the register does not know beside the AIS transmitters, until the register learns them", async () => {
    const headers = { authorization: operator };
    const vms = { type: "vessel_position" as const, source: "vms" as const, lat: 16.8, lon: 107.9 };
    // A terminal whose report names a registration number the register does not have, and one that names only itself.
    expect(identity.resolve({ ...vms, vessel: "QNg-95001-TS", vmsDeviceId: "VMS-7001", timeMs: 3000 })).toMatchObject({
      vessel: "unregistered:vms:VMS-7001",
    });
    identity.resolve({ ...vms, vessel: "QNg-95001-TS", vmsDeviceId: "VMS-7001", timeMs: 9000 });
    identity.resolve({ ...vms, vessel: "VMS-7002", timeMs: 4000 });
    // The registered vessel's own terminal is not listed.
    identity.resolve({ ...vms, vessel: "TTH-90123-TS", vmsDeviceId: "VMS-0042", timeMs: 5000 });
    const list = async () =>
      (await app.inject({ url: "/api/v1/vessels?registered=false", headers }))
        .json()
        .vessels.filter((v: { id: string }) => v.id.startsWith("unregistered:vms:")); // the test before left an AIS transmitter
    expect(await list()).toEqual([
      {
        id: "unregistered:vms:VMS-7001",
        registered: false,
        vmsDeviceId: "VMS-7001",
        reportedAs: "QNg-95001-TS",
        firstSeenAt: "1970-01-01T00:00:03.000Z",
        lastSeenAt: "1970-01-01T00:00:09.000Z",
      },
      {
        id: "unregistered:vms:VMS-7002",
        registered: false,
        vmsDeviceId: "VMS-7002",
        firstSeenAt: "1970-01-01T00:00:04.000Z",
        lastSeenAt: "1970-01-01T00:00:04.000Z",
      },
    ]);
    // Registered by its device id: off the list at once (and its next report is the registered vessel's).
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/vessels",
      headers,
      payload: { id: "TTH-90777-TS", name: "TTH 90777", lengthM: 18, vmsDeviceId: "VMS-7002" },
    });
    expect(created.statusCode).toBe(201);
    expect((await list()).map((v: { id: string }) => v.id)).toEqual(["unregistered:vms:VMS-7001"]);
    // Silent past the cutoff: forgotten.
    expect(identity.forgetSilentUnregistered(10_000)).toBe(3); // both terminals, and the AIS transmitter of the test before
    expect(await list()).toEqual([]);
  });

  it("lets a fisheries officer read the register (the console's vessel card), not change it", async () => {
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/v1/vessels",
          headers: { authorization: operator },
          payload: { id: "TTH-90555-TS", name: "TTH 90555", lengthM: 11.5 },
        })
      ).statusCode,
    ).toBe(201);
    const read = await app.inject({ url: "/api/v1/vessels/TTH-90555-TS", headers: { authorization: fisheries } });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: "TTH-90555-TS", name: "TTH 90555", lengthM: 11.5, registered: true });
    expect((await app.inject({ url: "/api/v1/vessels", headers: { authorization: fisheries } })).statusCode).toBe(200);
    const write = await app.inject({
      method: "PATCH",
      url: "/api/v1/vessels/TTH-90555-TS",
      headers: { authorization: fisheries },
      payload: { name: "X" },
    });
    expect(write.statusCode).toBe(403);
    const create = await app.inject({
      method: "POST",
      url: "/api/v1/vessels",
      headers: { authorization: fisheries },
      payload: { id: "TTH-90778-TS", name: "TTH 90778", lengthM: 9 },
    });
    expect(create.statusCode).toBe(403);
  });
});
