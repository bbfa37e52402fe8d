// The v1 HTTP API client against a real influxd, including the server's traps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestInfluxd, startTestInfluxd } from "../../test/support/influxd.js";
import { InfluxClient, InfluxQueryError } from "./influx-client.js";

describe("InfluxClient against influxd", () => {
  let influx: TestInfluxd;
  beforeAll(async () => {
    influx = await startTestInfluxd({ maxBodyBytes: 20_000 });
  });
  afterAll(async () => influx?.destroy());

  it("learns the server version from /ping and creates the database on 1.x only", async () => {
    const client = new InfluxClient({ url: influx.url, db: "fresh" });
    const server = await client.ping();
    expect(server.major).toBe(1);
    expect(server.version).toMatch(/^1\./);
    expect(await client.ensureDatabase()).toBe(true);
    const [databases = []] = await client.query("SHOW DATABASES", { db: false });
    expect(databases[0]?.values.flat()).toContain("fresh");
  });

  it("writes with precision=ms, so millisecond timestamps land where they belong", async () => {
    const t = 1795392000123;
    expect(await influx.client.write([`precision_check value=1 ${t}`])).toEqual({ ok: true });
    const [row] = await influx.rows("SELECT * FROM precision_check");
    expect(row?.time).toBe(t);
  });

  it("reports a 400 partial write, and InfluxDB keeps the other lines", async () => {
    const outcome = await influx.client.write([
      "partial_check value=1 1795392000000",
      "this is not line protocol",
      "partial_check value=3 1795392002000",
    ]);
    expect(outcome).toMatchObject({ ok: false, status: 400, partial: true, retryable: false });
    const rows = await influx.rows("SELECT value FROM partial_check");
    expect(rows.map((r) => r.value)).toEqual([1, 3]);
  });

  it("reports a field type conflict as a partial write", async () => {
    await influx.client.write(["conflict_check value=1 1795392000000"]);
    const outcome = await influx.client.write(['conflict_check value="text" 1795392001000', "conflict_check value=2 1795392002000"]);
    expect(outcome).toMatchObject({ ok: false, status: 400, partial: true });
    expect((await influx.rows("SELECT value FROM conflict_check")).map((r) => r.value)).toEqual([1, 2]);
  });

  it("reports 413 for a body over max-body-size (gzip off, to exceed it)", async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `big_check value=${i} ${1795392000000 + i}`);
    const outcome = await influx.client.write(lines, { gzipAbove: Number.POSITIVE_INFINITY });
    expect(outcome).toMatchObject({ ok: false, status: 413, partial: false, retryable: false });
  });

  it("gzips large bodies when asked to (by default only for a server that is not on loopback)", async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `gzip_check value=${i} ${1795392000000 + i}`);
    const client = new InfluxClient({ url: influx.url, db: influx.db, gzip: "always" });
    expect(await client.write(lines)).toEqual({ ok: true });
    expect((await influx.rows("SELECT count(value) FROM gzip_check"))[0]?.count).toBe(1000);
  });

  it("throws on a failed statement even though InfluxDB answers HTTP 200", async () => {
    const client = new InfluxClient({ url: influx.url, db: "missing_db" });
    await expect(client.query("SELECT * FROM x")).rejects.toThrow(InfluxQueryError);
    await expect(client.query("SELECT * FROM x")).rejects.toThrow(/database not found/);
    await expect(influx.client.query("SELEKT nonsense")).rejects.toThrow(/error parsing query/);
  });

  it("reports a missing database as 404 and an unknown retention policy as a configuration error", async () => {
    expect(await new InfluxClient({ url: influx.url, db: "nope" }).write(["x value=1 1795392000000"])).toMatchObject({
      ok: false,
      status: 404,
      retryable: false,
    });
    expect(await new InfluxClient({ url: influx.url, db: influx.db, rp: "nope" }).write(["x value=1 1795392000000"])).toMatchObject({
      ok: false,
      status: 500,
      retryable: false,
    });
  });

  it("reports an unreachable server as retryable", async () => {
    const client = new InfluxClient({ url: "http://127.0.0.1:1", db: "x", timeoutMs: 2000 });
    expect(await client.write(["x value=1 1"])).toMatchObject({ ok: false, status: 0, retryable: true });
  });

  it("never sends a token to a 1.x server", async () => {
    const client = new InfluxClient({ url: influx.url, db: influx.db, token: "secret" });
    await client.ping();
    await expect(client.write(["x value=1 1"])).rejects.toThrow(/influx\.token is for InfluxDB 2\.x\/3\.x/);
  });
});
