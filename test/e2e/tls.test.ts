// TLS listeners of the real hub with `ioc-hub certs dev` certificates: MQTT over TLS with a password
// or with a client certificate (CN = device id), HTTPS and MQTT over WSS, the plain listeners off,
// refusals (unknown certificate subject, CN/username mismatch, an untrusted server), and a
// certificate renewal picked up on SIGHUP while a connected device stays connected.
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDevCertificates } from "../../hub/certs-command.js";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";
import { until } from "../support/until.js";

function httpsGet(port: number, path: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, ca, servername: "localhost" }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function serverFingerprint(port: number, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, ca, servername: "localhost" }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("TLS listeners", () => {
  const dir = tempDir("tls");
  const certDir = join(dir.path, "certs");
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  let certs: ReturnType<typeof makeDevCertificates>;
  let ca: Buffer;
  const clients: mqtt.MqttClient[] = [];

  const mqtts = (options: mqtt.IClientOptions) =>
    mqtt.connectAsync(`mqtts://127.0.0.1:${hub.ports.mqtts}`, { ca, reconnectPeriod: 0, connectTimeout: 5000, ...options }, false);

  beforeAll(async () => {
    certs = makeDevCertificates(certDir, ["air-tls", "ghost"]);
    ca = readFileSync(certs.ca);
    creds = await addDevices(dir.path, [
      { id: "air-tls", kind: "air" },
      { id: "air-pw", kind: "air" },
    ]);
    const config = join(dir.path, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        mqtt: { plain: false },
        http: { plain: false },
        tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, mqttPort: 0, httpsPort: 0, clientCerts: "optional" },
      }),
    );
    hub = await startHub(dir.path, { IOC_CONFIG: config, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await hub?.stop();
    dir.remove();
  });

  it("listens only on TLS when the plain listeners are off", () => {
    expect(hub.ports.mqtt).toBeNull();
    expect(hub.ports.http).toBeNull();
    expect(hub.ports.mqtts).toBeGreaterThan(0);
    expect(hub.ports.https).toBeGreaterThan(0);
  });

  it("takes a device's password over MQTT/TLS, and a client certificate instead of a password", async () => {
    const withPassword = await mqtts({ ...(creds.get("air-pw") as Credentials), clientId: "air-pw" });
    clients.push(withPassword);
    await withPassword.publishAsync("ioc/v1/sensors/air-pw/data", JSON.stringify({ values: { pm25: 12 } }), { qos: 1 });
    const withCert = await mqtts({
      clientId: "air-tls",
      cert: readFileSync(certs.devices["air-tls"]?.cert as string),
      key: readFileSync(certs.devices["air-tls"]?.key as string),
    });
    clients.push(withCert);
    await withCert.publishAsync("ioc/v1/sensors/air-tls/data", JSON.stringify({ values: { pm25: 13 } }), { qos: 1 });
    expect(withCert.connected).toBe(true);
  });

  it("refuses a certificate of an unregistered device, a CN that is not the username, and a client that does not trust the hub", async () => {
    const ghost = { cert: readFileSync(certs.devices.ghost?.cert as string), key: readFileSync(certs.devices.ghost?.key as string) };
    await expect(mqtts({ clientId: "ghost", ...ghost })).rejects.toThrow(/Bad username or password|Not authorized/);
    const airCert = {
      cert: readFileSync(certs.devices["air-tls"]?.cert as string),
      key: readFileSync(certs.devices["air-tls"]?.key as string),
    };
    await expect(mqtts({ clientId: "x", username: "air-pw", password: creds.get("air-pw")?.password, ...airCert })).rejects.toThrow(
      /Not authorized/,
    );
    await expect(
      mqtt.connectAsync(
        `mqtts://127.0.0.1:${hub.ports.mqtts}`,
        { reconnectPeriod: 0, connectTimeout: 5000, ...(creds.get("air-pw") as Credentials) },
        false,
      ),
    ).rejects.toThrow(/self-signed|unable to verify|certificate/i);
    const metrics = await httpsGet(hub.ports.https as number, "/metrics", ca);
    expect(metrics.body).toMatch(/ioc_auth_failures_total\{reason="certificate_mismatch"\} 1/);
    expect(metrics.body).toMatch(/ioc_auth_failures_total\{reason="unknown_device"\} 1/);
  });

  it("takes a TCP health check on the TLS port (connect, close) for no failed handshake, and counts and logs a client that speaks no TLS", async () => {
    const failed = async () => {
      const metrics = await httpsGet(hub.ports.https as number, "/metrics", ca);
      return Number(/^ioc_auth_failures_total\{reason="tls_handshake_failed"\} (\S+)$/m.exec(metrics.body)?.[1] ?? 0);
    };
    const refusedLines = async () =>
      hub
        .output()
        .split("\n")
        .filter((line) => line.includes("TLS handshake refused"));
    const before = { count: await failed(), lines: (await refusedLines()).length };
    const raw = (send?: string) =>
      new Promise<void>((resolve) => {
        const socket = netConnect(hub.ports.mqtts as number, "127.0.0.1", () => (send ? socket.write(send) : socket.end()));
        socket.on("error", () => undefined);
        socket.on("close", () => resolve());
        socket.setTimeout(5000, () => socket.destroy());
      });
    for (let i = 0; i < 5; i++) await raw();
    await new Promise((r) => setTimeout(r, 200));
    expect(await failed()).toBe(before.count);
    expect((await refusedLines()).length).toBe(before.lines);
    await raw("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(await failed()).toBe(before.count + 1);
    // Its log line reaches us on a pipe, maybe after the metrics.
    const lines = await until(refusedLines, (l) => l.length > before.lines, 5000, 50);
    expect(lines.length).toBe(before.lines + 1);
    const logged = lines.at(-1) ?? "";
    expect(JSON.parse(logged)).toMatchObject({ remote: "127.0.0.1" });
  });

  it("serves HTTPS (hardened headers) and MQTT over WSS", async () => {
    const health = await httpsGet(hub.ports.https as number, "/healthz", ca);
    expect(health.status).toBe(200);
    expect(health.headers["x-content-type-options"]).toBe("nosniff");
    const ws = await mqtt.connectAsync(
      `wss://127.0.0.1:${hub.ports.https}/mqtt`,
      { ca, reconnectPeriod: 0, connectTimeout: 5000, ...(creds.get("air-pw") as Credentials), clientId: "air-pw-ws" },
      false,
    );
    await ws.publishAsync("ioc/v1/sensors/air-pw/data", JSON.stringify({ values: { pm25: 14 } }), { qos: 1 });
    await ws.endAsync();
  });

  it("picks up a renewed certificate on SIGHUP without dropping a connected device", async () => {
    const before = await serverFingerprint(hub.ports.mqtts as number, ca);
    const connected = await mqtts({ ...(creds.get("air-pw") as Credentials), clientId: "air-pw-stays" });
    clients.push(connected);
    let closed = false;
    connected.on("close", () => (closed = true));
    const renewed = makeDevCertificates(certDir, ["air-tls"]); // a new CA, server and device pair in the same files
    const newCa = readFileSync(renewed.ca);
    hub.child.kill("SIGHUP");
    let after = before;
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await serverFingerprint(hub.ports.mqtts as number, newCa).catch(() => before);
    }
    expect(after).not.toBe(before);
    expect(hub.output()).toContain("TLS certificate reloaded");
    await connected.publishAsync("ioc/v1/sensors/air-pw/data", JSON.stringify({ values: { pm25: 15 } }), { qos: 1 });
    expect(closed).toBe(false);
    await expect(serverFingerprint(hub.ports.mqtts as number, ca)).rejects.toThrow();
  });
});
