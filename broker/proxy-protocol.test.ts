// Table tests of the PROXY protocol reader: framing (how long a header is, from its first bytes),
// the address it names, and reading it off a real socket with the MQTT bytes after it left unread.
import { type Server, type Socket, connect, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.js";
import { ProxyHeaderError, proxiedSource, proxyHeaderLength, readProxyHeader } from "./proxy-protocol.js";
import { fromTrustedProxy, trustedProxies } from "./trusted-proxies.js";

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

/** A v2 header written out by hand from the specification (section 2.2), as HAProxy sends it. */
function v2(command: "PROXY" | "LOCAL", family: "inet" | "inet6", source: number[], destination: number[], tlv: number[] = []): Buffer {
  const ports = [0xc3, 0x50, 0x07, 0x5b]; // 50000 → 1883
  const body = [...source, ...destination, ...ports, ...tlv];
  const versionCommand = command === "PROXY" ? 0x21 : 0x20;
  const familyTransport = family === "inet" ? 0x11 : 0x21; // TCP over IPv4 / IPv6
  return Buffer.from([...SIGNATURE, versionCommand, familyTransport, body.length >> 8, body.length & 0xff, ...body]);
}

const ipv6 = (groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);
const v2Ipv4 = v2("PROXY", "inet", [203, 0, 113, 7], [10, 0, 0, 5]);
const v2Ipv6 = v2("PROXY", "inet6", ipv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x42]), ipv6([0xfd00, 0, 0, 0, 0, 0, 0, 1]));
const v2Local = v2("LOCAL", "inet", [127, 0, 0, 1], [127, 0, 0, 1]);
const v2WithTlv = v2("PROXY", "inet", [198, 51, 100, 9], [10, 0, 0, 5], [0x04, 0x00, 0x00]); // PP2_TYPE_NOOP
const v1Tcp4 = Buffer.from("PROXY TCP4 198.51.100.7 10.0.0.5 56324 1883\r\n");
const v1Tcp6 = Buffer.from("PROXY TCP6 2001:db8::7 fd00::1 56324 1883\r\n");
const v1Unknown = Buffer.from("PROXY UNKNOWN\r\n");
const mqttConnect = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00]);

describe("proxyHeaderLength", () => {
  it.each([
    ["a whole v1 line", v1Tcp4, v1Tcp4.length],
    ["a v1 line with MQTT after it", Buffer.concat([v1Tcp4, mqttConnect]), v1Tcp4.length],
    ["half a v1 line", v1Tcp4.subarray(0, 20), 0],
    ["the first byte of a v1 line", v1Tcp4.subarray(0, 1), 0],
    ["a whole v2 header", v2Ipv4, 28],
    ["a v2 header with a TLV, MQTT after it", Buffer.concat([v2WithTlv, mqttConnect]), 31],
    ["a v2 signature and no length yet", v2Ipv4.subarray(0, 14), 0],
    ["a v2 header short of its addresses", v2Ipv4.subarray(0, 20), 0],
    ["nothing yet", Buffer.alloc(0), 0],
  ] as const)("%s", (_, bytes, expected) => {
    expect(proxyHeaderLength(bytes)).toBe(expected);
  });

  it.each([
    ["an MQTT CONNECT (no header)", mqttConnect, "no PROXY protocol header"],
    ["a v1 line past 107 bytes without CRLF", Buffer.from(`PROXY TCP4 ${"1".repeat(120)}`), "longer than 107"],
    ["a v2 signature gone wrong", Buffer.from([...SIGNATURE.slice(0, 6), 0x00]), "not a PROXY protocol v2 signature"],
    ["a v2 header claiming 60,000 bytes", Buffer.from([...SIGNATURE, 0x21, 0x11, 0xea, 0x60]), "is over"],
  ] as const)("refuses %s", (_, bytes, message) => {
    expect(() => proxyHeaderLength(bytes)).toThrow(message);
  });
});

describe("proxiedSource", () => {
  it.each([
    ["v1 TCP4", v1Tcp4, "198.51.100.7"],
    ["v1 TCP6", v1Tcp6, "2001:db8::7"],
    ["v1 UNKNOWN (the proxy's own connection)", v1Unknown, undefined],
    ["v1 UNKNOWN with the rest of a line", Buffer.from("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"), undefined],
    ["v2 over IPv4", v2Ipv4, "203.0.113.7"],
    ["v2 over IPv6, in its short form", v2Ipv6, "2001:db8::42"],
    ["v2 with a TLV", v2WithTlv, "198.51.100.9"],
    ["v2 LOCAL (a health check)", v2Local, undefined],
  ] as const)("%s", (_, header, expected) => {
    expect(proxiedSource(header)).toBe(expected);
  });

  it.each([
    ["a v1 line whose source is no address", Buffer.from("PROXY TCP4 not-an-address 10.0.0.5 1 2\r\n")],
    ["a v1 TCP4 line with an IPv6 source", Buffer.from("PROXY TCP4 2001:db8::7 10.0.0.5 1 2\r\n")],
    ["a v1 line of an unknown protocol", Buffer.from("PROXY SCTP 198.51.100.7 10.0.0.5 1 2\r\n")],
  ] as const)("refuses %s", (_, header) => {
    expect(() => proxiedSource(header)).toThrow(ProxyHeaderError);
  });
});

describe("trustedProxies", () => {
  const list = trustedProxies(" 10.0.0.0/8, 127.0.0.1 ,fd00::/8");
  it.each([
    ["10.1.2.3", true],
    ["11.0.0.1", false],
    ["127.0.0.1", true],
    ["::ffff:127.0.0.1", true],
    ["127.0.0.2", false],
    ["fd12::1", true],
    ["2001:db8::1", false],
    [undefined, false],
  ] as const)("%s trusted: %s", (address, expected) => {
    expect(list && fromTrustedProxy(list, address)).toBe(expected);
  });

  it("is nobody when empty", () => {
    expect(trustedProxies(" , ")).toBeUndefined();
  });

  it.each(["10.0.0.0/33", "proxy.example", "10.0.0.0/8/9", "10.0.0.0/x"])("refuses %s, naming it", (entry) => {
    expect(() => trustedProxies(`127.0.0.1, ${entry}`)).toThrow(`"${entry}" is not an IP address or a CIDR range`);
  });
});

describe("readProxyHeader on a socket", () => {
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];

  beforeAll(async () => {
    server = createServer((socket) => {
      accepted.push(socket);
      waiting.shift()?.(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of accepted) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Connects, writes `chunks` with a pause between them, and hands back the server's side. */
  async function sending(chunks: Buffer[]): Promise<{ server: Socket; client: Socket }> {
    const serverSide = new Promise<Socket>((resolve) => waiting.push(resolve));
    const client = connect(port, "127.0.0.1");
    client.on("error", () => undefined);
    const socket = await serverSide;
    (async () => {
      for (const chunk of chunks) {
        client.write(chunk);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    return { server: socket, client };
  }

  it("reads a header split across writes, and leaves the MQTT bytes after it to be read", async () => {
    const { server: socket, client } = await sending([v2Ipv4.subarray(0, 10), Buffer.concat([v2Ipv4.subarray(10), mqttConnect])]);
    expect(await readProxyHeader(socket, 2000)).toBe("203.0.113.7");
    expect(clientAddress(socket)).toBe("203.0.113.7");
    const rest = await new Promise<Buffer>((resolve) => {
      socket.once("readable", () => resolve(socket.read() as Buffer));
    });
    expect(rest.equals(mqttConnect)).toBe(true);
    client.destroy();
  });

  it("keeps the socket's own address for the proxy's own connections", async () => {
    const { server: socket, client } = await sending([v1Unknown]);
    expect(await readProxyHeader(socket, 2000)).toBeUndefined();
    expect(clientAddress(socket)).toBe("127.0.0.1");
    client.destroy();
  });

  it.each([
    ["MQTT without a header", [mqttConnect], "no PROXY protocol header"],
    ["nothing within the timeout", [], "no PROXY protocol header within 300 ms"],
    ["half a header, then the connection ends", [v1Tcp4.subarray(0, 12)], "ended before its PROXY protocol header"],
  ] as const)("refuses %s", async (_, chunks, message) => {
    const { server: socket, client } = await sending([...chunks]);
    if (message.startsWith("ended")) setTimeout(() => client.end(), 100);
    await expect(readProxyHeader(socket, 300)).rejects.toThrow(message);
    client.destroy();
    socket.destroy();
  });
});
