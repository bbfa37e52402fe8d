// The hub behind a real HAProxy sending the PROXY protocol, as in docker-compose.scale.yml: the
// per-address limits count the devices' addresses, not the proxy's. Devices connect from several
// loopback addresses (127.0.0.2, .3, …) to the proxy on 127.0.0.1. Without the header every one of
// them would be the proxy: two connections in all, and one device's bad passwords would lock out all.
import { connect as tcpConnect } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { connect as tlsConnect } from "node:tls";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDevCertificates } from "../../hub/certs-command.js";
import { type Credentials, addDevices } from "../support/devices.js";
import { type TestHaproxy, startHaproxy } from "../support/haproxy.js";
import { type HubProcess, expectLogged, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";
import { hubMetric } from "../support/hub-metrics.js";

type Outcome = "connected" | `refused ${number}` | "closed";

describe("behind a TCP proxy speaking the PROXY protocol", () => {
  const dir = tempDir("proxy-protocol");
  let hub: HubProcess;
  let lbV2: TestHaproxy;
  let lbV1: TestHaproxy;
  let lbTls: TestHaproxy;
  let certs: ReturnType<typeof makeDevCertificates>;
  let creds: Map<string, Credentials>;
  const clients: mqtt.MqttClient[] = [];

  const metric = (reason: string) => hubMetric(hub.httpUrl, `ioc_auth_failures_total{reason="${reason}"}`);

  /** An MQTT connection from `source` (a loopback address) to `port`, with `header` first if given, or over TLS. */
  function connectFrom(
    source: string,
    port: number,
    login: Partial<Credentials> & { clientId: string },
    header?: string,
    tls?: { cert?: Buffer; key?: Buffer },
  ): Promise<Outcome> {
    return new Promise((resolve) => {
      const client = new mqtt.MqttClient(
        () => {
          if (tls) {
            const ca = readFileSync(certs.ca);
            return tlsConnect({
              socket: tcpConnect({ port, host: "127.0.0.1", localAddress: source }),
              servername: "localhost",
              ca,
              ...tls,
            });
          }
          const socket = tcpConnect({ port, host: "127.0.0.1", localAddress: source });
          if (header) socket.write(header);
          return socket;
        },
        { ...login, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 },
      );
      clients.push(client);
      client.on("error", () => undefined);
      client.once("connect", () => resolve("connected"));
      client.once("error", (error) => resolve(`refused ${(error as { code?: number }).code ?? -1}`));
      client.once("close", () => resolve("closed"));
    });
  }
  const device = (id: string) => ({ ...(creds.get(id) as Credentials), clientId: id });

  beforeAll(async () => {
    creds = await addDevices(
      dir.path,
      ["a1", "a2", "a3", "b1", "b2", "c1", "d1", "e1", "f1", "tls"].map((id) => ({ id: `air-${id}`, kind: "air" as const })),
    );
    certs = makeDevCertificates(join(dir.path, "certs"), ["air-tls"]);
    const config = join(dir.path, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        mqtt: { trustedProxies: "127.0.0.1", maxConnectionsPerIp: 2, connectTimeoutMs: 1500 },
        tls: { certFile: certs.serverCert, keyFile: certs.serverKey, caFile: certs.ca, mqttPort: 0, httpsPort: 0, clientCerts: "optional" },
        security: { loginMaxFailuresPerIp: 3, loginMaxFailuresPerId: 100 },
      }),
    );
    hub = await startHub(dir.path, { IOC_CONFIG: config, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    lbV2 = await startHaproxy(dir.path, hub.ports.mqtt as number, { tcp: "send-proxy-v2" });
    lbV1 = await startHaproxy(dir.path, hub.ports.mqtt as number, { tcp: "send-proxy" });
    lbTls = await startHaproxy(dir.path, hub.ports.mqtts as number, { tcp: "send-proxy-v2" });
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    await lbV2?.stop();
    await lbV1?.stop();
    await lbTls?.stop();
    await hub?.stop();
    dir.remove();
  });

  it("counts connections per device address behind the proxy (v2 and v1), not per proxy", async () => {
    // Two from each of two addresses through the proxy: four in all, over a per-address limit of two.
    expect(await connectFrom("127.0.0.2", lbV2.port, device("air-a1"))).toBe("connected");
    expect(await connectFrom("127.0.0.2", lbV1.port, device("air-a2"))).toBe("connected");
    expect(await connectFrom("127.0.0.3", lbV2.port, device("air-b1"))).toBe("connected");
    expect(await connectFrom("127.0.0.3", lbV1.port, device("air-b2"))).toBe("connected");
    // A third from 127.0.0.2 is over its limit, whichever proxy version carries it.
    expect(await connectFrom("127.0.0.2", lbV2.port, device("air-a3"))).toBe("closed");
    expect(await metric("too_many_connections")).toBe(1);
    await expectLogged(hub, /"remote":"127\.0\.0\.2".*connection refused: too many from this address/);
    // HAProxy's health checks (every second, with a LOCAL header) are served, not refused as headerless.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await metric("proxy_protocol_invalid")).toBe(0);
  });

  it("locks out the address of a device guessing passwords, and no other", async () => {
    for (let i = 0; i < 3; i++) {
      expect(await connectFrom("127.0.0.4", lbV2.port, { username: `nobody-${i}`, password: "guess", clientId: `guess-${i}` })).toBe(
        "refused 4",
      );
    }
    // 127.0.0.4 is locked out now, even with good credentials; 127.0.0.5 behind the same proxy is not.
    expect(await connectFrom("127.0.0.4", lbV2.port, device("air-c1"))).toBe("refused 5");
    expect(await connectFrom("127.0.0.5", lbV2.port, device("air-d1"))).toBe("connected");
    await expectLogged(hub, /"remote":"127\.0\.0\.4"/);
  });

  it("passes TLS through with the header before the handshake: client certificates work, and the address is the device's", async () => {
    const device = certs.devices["air-tls"] as { cert: string; key: string };
    const tls = { cert: readFileSync(device.cert), key: readFileSync(device.key) };
    expect(await connectFrom("127.0.0.8", lbTls.port, { username: "air-tls", clientId: "air-tls" }, undefined, tls)).toBe("connected");
    expect(
      await connectFrom("127.0.0.9", lbTls.port, { username: "air-a1", password: "wrong", clientId: "tls-guess" }, undefined, {}),
    ).toBe("refused 4");
    await expectLogged(hub, /"remote":"127\.0\.0\.9".*MQTT connect refused/);
    // HAProxy's health checks on the TLS port (every second: a LOCAL header, then close) are no failed handshakes.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await metric("tls_handshake_failed")).toBe(0);
    expect(hub.output()).not.toContain("TLS handshake refused");
  });

  it("takes a header only from a trusted proxy, and refuses a trusted proxy's connection without one", async () => {
    const direct = hub.ports.mqtt as number;
    // From 127.0.0.1 (trusted) with a v1 header written by hand: the device's address is the header's.
    expect(await connectFrom("127.0.0.1", direct, device("air-e1"), "PROXY TCP4 198.51.100.7 127.0.0.1 50000 1883\r\n")).toBe("connected");
    // From 127.0.0.1 without a header: closed, counted.
    const before = await metric("proxy_protocol_invalid");
    expect(await connectFrom("127.0.0.1", direct, device("air-f1"))).toBe("closed");
    expect(await metric("proxy_protocol_invalid")).toBe(before + 1);
    // Straight from an address that is no proxy: plain MQTT, served as ever; a header from it is not believed.
    expect(await connectFrom("127.0.0.6", direct, device("air-f1"))).toBe("connected");
    expect(await connectFrom("127.0.0.7", direct, device("air-a3"), "PROXY TCP4 198.51.100.8 127.0.0.1 50000 1883\r\n")).toBe("closed");
  });
});
