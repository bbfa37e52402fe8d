// The hub's HTTP port behind a real HAProxy in HTTP mode adding X-Forwarded-For, as docs/security.md
// deploys it (REST, the console and MQTT over WebSocket through the centre's reverse proxy): with the
// proxy in http.trustedProxies, the login lockout and the per-address WebSocket limit count clients,
// not the proxy. Clients connect from several loopback addresses (127.0.0.2, .3, …) to the proxy on
// 127.0.0.1; a client that is no proxy cannot name another address with a header of its own.
import { request as httpRequest } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, createWebSocketStream } from "ws";
import { type Credentials, addDevices } from "../support/devices.js";
import { type TestHaproxy, startHaproxy } from "../support/haproxy.js";
import { type HubProcess, expectLogged, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;

describe("behind a reverse proxy adding X-Forwarded-For", () => {
  const dir = tempDir("reverse-proxy");
  let hub: HubProcess;
  let proxy: TestHaproxy;
  let creds: Map<string, Credentials>;
  const clients: mqtt.MqttClient[] = [];

  /** GET `path` on `port` from the loopback address `source`; the status code. */
  function get(source: string, port: number, path: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path, headers, localAddress: source }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
  }

  /** MQTT over WebSocket from `source` through `port`: connected, or closed. */
  function mqttOverWebSocket(source: string, port: number, login: Credentials): Promise<"connected" | "closed"> {
    return new Promise((resolve) => {
      const client = new mqtt.MqttClient(
        () => createWebSocketStream(new WebSocket(`ws://127.0.0.1:${port}/mqtt`, "mqtt", { localAddress: source })),
        // A refused connection is closed at once by the hub; through HAProxy the client sees it at its CONNECT timeout.
        { ...login, clientId: `${login.username}-${source}`, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 2000 },
      );
      clients.push(client);
      client.on("error", () => undefined);
      client.once("connect", () => resolve("connected"));
      client.once("close", () => resolve("closed"));
    });
  }

  beforeAll(async () => {
    creds = await addDevices(dir.path, [
      { id: "ops-1", role: "operator" },
      { id: "ops-2", role: "operator" },
      ...["a1", "a2", "a3", "b1", "b2"].map((id) => ({ id: `air-${id}`, kind: "air" as const })),
    ]);
    const config = join(dir.path, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        http: { trustedProxies: "127.0.0.1" },
        mqtt: { maxConnectionsPerIp: 2 },
        security: { loginMaxFailuresPerIp: 3, loginMaxFailuresPerId: 100 },
      }),
    );
    hub = await startHub(dir.path, { IOC_CONFIG: config, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    proxy = await startHaproxy(dir.path, hub.ports.http as number, { http: "forwardfor" });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await proxy?.stop();
    await hub?.stop();
    dir.remove();
  });

  it("locks out the address of a client guessing passwords, and no other behind the same proxy", async () => {
    const operator = creds.get("ops-1") as Credentials;
    const wrong = { authorization: basic({ username: "ops-1", password: "guess" }) };
    for (let i = 0; i < 3; i++) expect(await get("127.0.0.4", proxy.port, "/api/v1/vessels", wrong)).toBe(401);
    expect(await get("127.0.0.4", proxy.port, "/api/v1/vessels", { authorization: basic(operator) })).toBe(429);
    expect(await get("127.0.0.5", proxy.port, "/api/v1/vessels", { authorization: basic(operator) })).toBe(200);
    await expectLogged(hub, /"remote":"127\.0\.0\.4".*locked out/);
  });

  it("counts MQTT-over-WebSocket connections per client address behind the proxy", async () => {
    expect(await mqttOverWebSocket("127.0.0.2", proxy.port, creds.get("air-a1") as Credentials)).toBe("connected");
    expect(await mqttOverWebSocket("127.0.0.2", proxy.port, creds.get("air-a2") as Credentials)).toBe("connected");
    expect(await mqttOverWebSocket("127.0.0.3", proxy.port, creds.get("air-b1") as Credentials)).toBe("connected");
    expect(await mqttOverWebSocket("127.0.0.3", proxy.port, creds.get("air-b2") as Credentials)).toBe("connected");
    // The one over the limit is closed with a close frame (1000), which the proxy passes on; a bare
    // TCP close would reach this client only as an abnormal closure (1006), or not until a timeout.
    const refused = new WebSocket(`ws://127.0.0.1:${proxy.port}/mqtt`, "mqtt", { localAddress: "127.0.0.2" });
    refused.on("error", () => undefined);
    expect(await new Promise<number>((resolve) => refused.once("close", (code) => resolve(code)))).toBe(1000);
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_auth_failures_total\{reason="too_many_connections"\} 1\b/);
    await expectLogged(hub, /"remote":"127\.0\.0\.2".*connection refused: too many from this address/);
  });

  it("does not believe X-Forwarded-For from a client that is no proxy", async () => {
    // ops-2: credentials verified once are cached for a minute and not checked against the lockout again.
    const operator = creds.get("ops-2") as Credentials;
    const direct = hub.ports.http as number;
    // 127.0.0.6 names a different address in each request: its own is the one counted, and locked out.
    for (let i = 0; i < 3; i++) {
      const headers = { authorization: basic({ username: "ops-2", password: "guess" }), "x-forwarded-for": `198.51.100.${i}` };
      expect(await get("127.0.0.6", direct, "/api/v1/vessels", headers)).toBe(401);
    }
    const headers = { authorization: basic(operator), "x-forwarded-for": "198.51.100.99" };
    expect(await get("127.0.0.6", direct, "/api/v1/vessels", headers)).toBe(429);
  });
});
