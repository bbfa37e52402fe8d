// Revocation takes effect on open connections: a device disabled with the CLI (another process
// writing the same registry) or given a new password over REST (admin) is disconnected within
// seconds, its old password is refused, the new one works; non-admins may not touch credentials.
// The same holds for operator accounts on the API: a remembered Basic login and an open stream end
// when the account is disabled or given a new password.
import mqtt from "mqtt";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

describe("revoking credentials of connected devices", () => {
  const dir = tempDir("revocation");
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let admin: string;
  let operator: string;

  const closedWithin = (client: mqtt.MqttClient, ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      client.once("close", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  const connect = (c: Credentials, clientId: string) => mqtt.connectAsync(hub.mqttUrl, { ...c, clientId, reconnectPeriod: 0 }, false);

  beforeAll(async () => {
    creds = await addDevices(dir.path, [
      { id: "air-a", kind: "air" },
      { id: "air-b", kind: "air" },
      { id: "ops-basic", role: "operator" },
      { id: "ops-rotated", role: "operator" },
    ]);
    admin = (
      JSON.parse(runCli(["tokens", "add", "adm", "--role", "admin", "--json"], { IOC_DATA_DIR: dir.path }).stdout) as { token: string }
    ).token;
    operator = (
      JSON.parse(runCli(["tokens", "add", "ops", "--role", "operator", "--json"], { IOC_DATA_DIR: dir.path }).stdout) as { token: string }
    ).token;
    hub = await startHub(dir.path, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    dir.remove();
  });

  it("disconnects a device disabled with the CLI while connected, and refuses it afterwards", async () => {
    const client = await connect(creds.get("air-a") as Credentials, "air-a");
    const closed = closedWithin(client, 10_000);
    expect(runCli(["devices", "disable", "air-a"], { IOC_DATA_DIR: dir.path }).status).toBe(0);
    expect(await closed).toBe(true);
    await expect(connect(creds.get("air-a") as Credentials, "air-a-2")).rejects.toThrow(/Not authorized/);
    client.end(true);
  });

  it("rotates a password over REST (admin only): the open session ends, the old password fails, the new one works", async () => {
    const forbidden = await fetch(`${hub.httpUrl}/api/v1/devices/air-b/rotate`, {
      method: "POST",
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(forbidden.status).toBe(403);
    const client = await connect(creds.get("air-b") as Credentials, "air-b");
    const closed = closedWithin(client, 10_000);
    const rotated = await fetch(`${hub.httpUrl}/api/v1/devices/air-b/rotate`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(rotated.status).toBe(200);
    const { password } = (await rotated.json()) as { password: string };
    expect(await closed).toBe(true);
    await expect(connect(creds.get("air-b") as Credentials, "air-b-old")).rejects.toThrow(/Bad username or password/);
    const fresh = await connect({ username: "air-b", password }, "air-b-new");
    expect(fresh.connected).toBe(true);
    await fresh.endAsync();
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_auth_failures_total\{reason="credentials_revoked"\} 2/);
    const list = (await (await fetch(`${hub.httpUrl}/api/v1/devices`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      devices: { id: string; disabled: boolean }[];
    };
    expect(list.devices.find((d) => d.id === "air-a")?.disabled).toBe(true);
    expect(JSON.stringify(list)).not.toContain(password);
  });

  it("closes an open alert stream and refuses the next request when its token is revoked with the CLI", async () => {
    const created = JSON.parse(runCli(["tokens", "add", "ops-2", "--role", "operator", "--json"], { IOC_DATA_DIR: dir.path }).stdout) as {
      id: string;
      token: string;
    };
    const auth = { authorization: `Bearer ${created.token}` };
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: auth })).status).toBe(200); // now cached
    const ws = new WebSocket(`${hub.httpUrl.replace("http", "ws")}/api/v1/alerts/stream?access_token=${created.token}`);
    await new Promise((resolve, reject) => {
      ws.once("message", resolve);
      ws.once("error", reject);
    });
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    expect(runCli(["tokens", "revoke", created.id], { IOC_DATA_DIR: dir.path }).status).toBe(0);
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: auth })).status).toBe(401);
    expect(await closed).toBe(4401);
  });

  const basic = (c: Credentials) => ({ authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}` });

  it("refuses a remembered Basic login at once when the account is disabled with the CLI, and closes its open stream", async () => {
    const auth = basic(creds.get("ops-basic") as Credentials);
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: auth })).status).toBe(200); // now remembered
    const ws = new WebSocket(`${hub.httpUrl.replace("http", "ws")}/api/v1/alerts/stream`, { headers: auth });
    await new Promise((resolve, reject) => {
      ws.once("message", resolve);
      ws.once("error", reject);
    });
    const closed = new Promise<[number, string]>((resolve) => ws.once("close", (code, reason) => resolve([code, reason.toString()])));
    expect(runCli(["devices", "disable", "ops-basic"], { IOC_DATA_DIR: dir.path }).status).toBe(0);
    const refused = await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: auth });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe("this account is disabled");
    expect(await closed).toEqual([4401, "account disabled, removed or given a new password"]);
    expect(runCli(["devices", "enable", "ops-basic"], { IOC_DATA_DIR: dir.path }).status).toBe(0);
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: auth })).status).toBe(200);
  });

  it("refuses a remembered Basic login at once when the account is given a new password", async () => {
    const old = basic(creds.get("ops-rotated") as Credentials);
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: old })).status).toBe(200);
    const rotated = await fetch(`${hub.httpUrl}/api/v1/devices/ops-rotated/rotate`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
    });
    const { password } = (await rotated.json()) as { password: string };
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: old })).status).toBe(401);
    expect((await fetch(`${hub.httpUrl}/api/v1/alerts`, { headers: basic({ username: "ops-rotated", password }) })).status).toBe(200);
  });
});
