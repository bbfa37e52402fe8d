import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { type Database, openDatabase } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { VesselIdentity, normaliseName, sameVesselName } from "./vessel-identity.js";
import { type VesselError, VesselRegistry } from "./vessel-registry.js";

const pattern = /^[A-ZĐ][A-Za-zĐđ]{1,3}-\d{5}-TS$/u;
const boat = { id: "TTH-90123-TS", name: "TTH 90123 Phú Thuận", lengthM: 16.5, mmsi: 574123456, vmsDeviceId: "VMS-0042" };

describe("VesselRegistry", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  let registry: VesselRegistry;
  beforeEach(() => {
    dir = tempDir("vessels");
    db = openDatabase(dir.path);
    registry = new VesselRegistry(db, new SchemaRegistry(), pattern);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as VesselError).code;
    }
    return "no error";
  };

  it("registers, reads, changes and lists vessels", () => {
    expect(registry.create(boat)).toMatchObject({ ...boat, status: "active" });
    expect(registry.update("TTH-90123-TS", { status: "suspended", mmsi: null })).not.toHaveProperty("mmsi");
    expect(registry.get("TTH-90123-TS").status).toBe("suspended");
    expect(registry.list().map((v) => v.id)).toEqual(["TTH-90123-TS"]);
  });

  it("refuses bad input, duplicates and conflicts with their own codes", () => {
    registry.create(boat);
    expect(code(() => registry.create({ ...boat, id: "TTH-9012-TS" }))).toBe("vessel_invalid");
    expect(code(() => registry.create({ ...boat, lengthM: -1, id: "TTH-00001-TS" }))).toBe("vessel_invalid");
    expect(code(() => registry.create({ ...boat, colour: "blue", id: "TTH-00001-TS" }))).toBe("vessel_invalid");
    expect(code(() => registry.create(boat))).toBe("vessel_exists");
    expect(code(() => registry.create({ ...boat, id: "TTH-00001-TS", vmsDeviceId: "VMS-9" }))).toBe("vessel_conflict");
    expect(code(() => registry.create({ ...boat, id: "TTH-00001-TS", mmsi: 574000001 }))).toBe("vessel_conflict");
    expect(code(() => registry.update("TTH-99999-TS", { name: "x" }))).toBe("vessel_not_found");
    expect(code(() => registry.update("TTH-90123-TS", { id: "TTH-00002-TS" }))).toBe("vessel_invalid");
  });

  it("imports all or nothing, and may move an MMSI between vessels of one import", () => {
    registry.create(boat);
    expect(() =>
      registry.import([
        { ...boat, id: "QNg-00001-TS", mmsi: 574000001, vmsDeviceId: "V1" },
        { id: "bad", name: "x", lengthM: 5 },
      ]),
    ).toThrow(/record 2/);
    expect(registry.list()).toHaveLength(1);
    expect(() =>
      registry.import([
        { ...boat, id: "QNg-00001-TS", vmsDeviceId: "V1", mmsi: 574000001 },
        { ...boat, id: "QNg-00002-TS", vmsDeviceId: "V2", mmsi: 574000001 },
      ]),
    ).toThrow(/mmsi 574000001 also on record 1/);
    const result = registry.import([
      { ...boat, mmsi: 574000009 },
      { id: "QNg-00001-TS", name: "Mới", lengthM: 9, mmsi: 574123456 },
    ]);
    expect(result).toEqual({ created: 1, updated: 1 });
    expect(registry.vesselForMmsi(574123456, Date.now() + 10_000)).toBe("QNg-00001-TS");
  });

  it("resolves AIS reports to the registered vessel and flags static data that disagrees", () => {
    registry.create(boat);
    const identity = new VesselIdentity(registry, db);
    const position = {
      type: "vessel_position" as const,
      vessel: "unregistered:574123456",
      mmsi: 574123456,
      source: "ais" as const,
      timeMs: 1,
      lat: 16.5,
      lon: 107.7,
    };
    expect(identity.resolve(position)).toMatchObject({ vessel: "TTH-90123-TS" });
    expect(identity.resolve({ ...position, vessel: "unregistered:574999999", mmsi: 574999999 })).toMatchObject({
      vessel: "unregistered:574999999",
    });
    identity.resolve({
      type: "vessel_static",
      vessel: "unregistered:574123456",
      mmsi: 574123456,
      timeMs: 2,
      name: "HAI PHONG 1",
      lengthM: 30,
    });
    const transmitters = identity.transmitters();
    expect(transmitters.map((t) => [t.mmsi, t.vessel])).toEqual([
      [574123456, "TTH-90123-TS"],
      [574999999, undefined],
    ]);
    expect(transmitters[0]?.mismatch).toMatch(/AIS name "HAI PHONG 1" is not the registered "TTH 90123 Phú Thuận"; AIS length 30 m/);
    identity.resolve({ type: "vessel_static", vessel: "x", mmsi: 574123456, timeMs: 3, name: "tth-90123 phu thuan", lengthM: 17 });
    expect(identity.transmitters()[0]?.mismatch).toBeUndefined();
  });

  it("forgets transmitters not in the register once silent past the cutoff, in memory and in the table, and keeps the register's", () => {
    registry.create(boat);
    const identity = new VesselIdentity(registry, db);
    const heard = (mmsi: number, timeMs: number) =>
      identity.resolve({ type: "vessel_position", vessel: `unregistered:${mmsi}`, mmsi, source: "ais", timeMs, lat: 16.5, lon: 107.7 });
    heard(574123456, 1_000); // the register's vessel, silent as long as the passing ship
    heard(477000001, 1_000); // a ship that passed by
    heard(477000002, 1_000);
    heard(477000002, 9_000); // heard again since
    identity.flush();
    expect(identity.forgetSilentUnregistered(5_000)).toBe(1);
    expect(identity.transmitters().map((t) => t.mmsi)).toEqual([477000002, 574123456]);
    // Forgotten in memory too: heard again, it is a new transmitter (first seen now), not a merged old row.
    heard(477000001, 20_000);
    expect(identity.transmitters().find((t) => t.mmsi === 477000001)?.firstSeenAt).toBe(new Date(20_000).toISOString());
    expect(identity.forgetSilentUnregistered(5_000)).toBe(0);
  });

  it("compares names without case, diacritics or punctuation", () => {
    expect(normaliseName("TTH 90123 Phú Thuận")).toBe(normaliseName("tth-90123 PHU THUAN"));
    expect(normaliseName("Đông Hải")).toBe("DONGHAI");
  });

  it.each([
    ["TTH 90012 HUONG PHONG", "TTH 90012 Hương Phong", true],
    // AIS carries 20 characters: a transponder sends the first 20 of a longer name.
    ["TTH 90012 HUONG PHON", "TTH 90012 Hương Phong", true],
    ["tth-90012 huong phon", "TTH 90012 Hương Phong", true],
    // Cut where the 20th character is a space, which the decoder trims.
    ["TTH 9001 DONG HAI A", "TTH 9001 Đông Hải A 68", true],
    // Shorter than AIS allows is not a truncation.
    ["TTH 90012 HUONG", "TTH 90012 Hương Phong", false],
    ["HAI PHONG 1", "TTH 90123 Phú Thuận", false],
    ["TTH 90012 HUONG PHOX", "TTH 90012 Hương Phong", false],
  ])("AIS name %j against the registered %j: same vessel %s", (sent, registered, same) => {
    expect(sameVesselName(sent, registered)).toBe(same);
  });
});
