import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../store/database.js";
import { tempDir } from "../test/support/temp-dir.js";
import { DeviceRegistry, RegistryError } from "./device-registry.js";

describe("DeviceRegistry", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database;
  let registry: DeviceRegistry;

  beforeEach(() => {
    dir = tempDir("registry");
    db = openDatabase(dir.path);
    registry = new DeviceRegistry(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it("stores only a scrypt hash and authenticates with the generated password", async () => {
    const { device, password } = await registry.add("hue-air-01", { kind: "air" });
    expect(device).toMatchObject({ id: "hue-air-01", role: "device", kind: "air", disabled: false });
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = db.prepare("SELECT password_hash FROM devices").get() as { password_hash: string };
    expect(stored.password_hash).toMatch(/^scrypt\$4096\$8\$1\$/);
    expect(stored.password_hash).not.toContain(password);
    expect(await registry.authenticate("hue-air-01", password)).toEqual({
      ok: true,
      principal: { id: "hue-air-01", role: "device", kind: "air" },
    });
    expect(await registry.authenticate("hue-air-01", `${password}x`)).toEqual({ ok: false, reason: "bad_password" });
    expect(await registry.authenticate("nobody", password)).toEqual({ ok: false, reason: "unknown_device" });
  });

  it("disables, enables and rotates", async () => {
    const { password } = await registry.add("w1", { kind: "water" });
    registry.setDisabled("w1", true);
    expect(await registry.authenticate("w1", password)).toEqual({ ok: false, reason: "device_disabled" });
    registry.setDisabled("w1", false);
    const rotated = await registry.rotate("w1");
    expect(await registry.authenticate("w1", password)).toEqual({ ok: false, reason: "bad_password" });
    expect((await registry.authenticate("w1", rotated.password)).ok).toBe(true);
  });

  it("stamps a login's credentials: the stamp changes with a new password and is gone while disabled or removed", async () => {
    await registry.add("ops", { role: "operator" });
    const first = registry.credentialStamp("ops");
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain("scrypt");
    expect(registry.credentialStamp("ops")).toBe(first);
    registry.setDisabled("ops", true);
    expect(registry.credentialStamp("ops")).toBeUndefined();
    registry.setDisabled("ops", false);
    expect(registry.credentialStamp("ops")).toBe(first);
    await registry.rotate("ops");
    expect(registry.credentialStamp("ops")).not.toBe(first);
    expect(registry.credentialStamp("nobody")).toBeUndefined();
  });

  it("refuses bad ids, missing kinds and duplicates with a clear message", async () => {
    await expect(registry.add("bad id", { kind: "air" })).rejects.toThrow(RegistryError);
    await expect(registry.add("a/b", { kind: "air" })).rejects.toThrow(/topic level/);
    await expect(registry.add("nokind", {})).rejects.toThrow(/--kind/);
    await registry.add("dup", { kind: "air" });
    await expect(registry.add("dup", { kind: "air" })).rejects.toThrow(/already exists/);
    expect((await registry.add("ops", { role: "operator" })).device).toMatchObject({ role: "operator", kind: null });
    expect(registry.list().map((d) => d.id)).toEqual(["dup", "ops"]);
  });

  it("exports accounts with their hashes and imports them into another registry, where the same passwords work", async () => {
    const { password } = await registry.add("hue-air-01", { kind: "air" });
    await registry.add("ops", { role: "operator" });
    registry.setDisabled("ops", true);
    const exported = JSON.parse(JSON.stringify(registry.exportRecords()));
    expect(exported).toHaveLength(2);
    expect(JSON.stringify(exported)).not.toContain(password);
    const other = tempDir("registry-b");
    const otherDb = openDatabase(other.path);
    try {
      const b = new DeviceRegistry(otherDb);
      await b.add("ops", { role: "operator" });
      expect(b.importRecords(exported)).toEqual({ added: 1, replaced: 1 });
      expect(await b.authenticate("hue-air-01", password)).toMatchObject({ ok: true, principal: { id: "hue-air-01", kind: "air" } });
      expect(b.find("ops")).toEqual(registry.find("ops"));
      expect(b.importRecords(exported)).toEqual({ added: 0, replaced: 2 });
    } finally {
      otherDb.close();
      other.remove();
    }
  });

  it.each([
    [{ not: "a list" }, /JSON list/],
    [[{ id: "a b", role: "device" }], /device 0 \(a b\) id must match/],
    [[{ id: "x", role: "root" }], /device 0 \(x\) role must be one of/],
    [[{ id: "x", role: "device", kind: "air", passwordHash: "plain", disabled: false }], /passwordHash must be a scrypt hash/],
    [[{ id: "x", role: "device", kind: "air", passwordHash: "scrypt$1", disabled: "no" }], /disabled must be true or false/],
    [[{ id: "x", role: "device", kind: "air", passwordHash: "scrypt$1", disabled: false, createdAt: "soon" }], /must be times/],
  ])("refuses a bad import %j without changing anything", (records, message) => {
    expect(() => registry.importRecords(records)).toThrow(message);
    expect(registry.list()).toEqual([]);
  });
});
