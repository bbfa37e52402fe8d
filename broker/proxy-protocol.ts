// The PROXY protocol (HAProxy's; v1 text, v2 binary) on MQTT connections from a trusted TCP proxy.
// Behind a load balancer every device connects from the proxy's address, so the per-address limits
// (mqtt.maxConnectionsPerIp, security.loginMaxFailuresPerIp) would count all devices as one: one
// device retrying a wrong password would lock every device behind the proxy out. A proxy listed in
// mqtt.trustedProxies starts each connection with a header naming the device's address, which then
// counts for the limits and the logs. Anyone else's connection is MQTT from its first byte: a header
// from an untrusted address is not believed (it is not MQTT either, so the connection is closed).
import { type Socket, isIPv4, isIPv6 } from "node:net";
import { Command, INETProtocol, IPv4ProxyAddress, IPv6ProxyAddress, V1BinaryProxyProtocol, V2ProxyProtocol } from "proxy-protocol-js";
import { setClientAddress } from "./client-address.js";

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from("PROXY ", "latin1");
const V1_UNKNOWN = Buffer.from("PROXY UNKNOWN", "latin1");
/** The longest v1 line, CRLF included (the specification's own bound). */
const V1_MAX_BYTES = 107;
/** Addresses and a few TLVs; a proxy sending more is not one we know. */
const V2_MAX_BYTES = 16 + 1024;

export class ProxyHeaderError extends Error {
  override name = "ProxyHeaderError";
}

/** The length of the header at the start of `buffer` once it is all there; 0 while more bytes are needed. */
export function proxyHeaderLength(buffer: Buffer): number {
  if (buffer.length === 0) return 0;
  if (buffer[0] === V2_SIGNATURE[0]) {
    const n = Math.min(buffer.length, V2_SIGNATURE.length);
    if (!buffer.subarray(0, n).equals(V2_SIGNATURE.subarray(0, n))) throw new ProxyHeaderError("not a PROXY protocol v2 signature");
    if (buffer.length < 16) return 0;
    const total = 16 + buffer.readUInt16BE(14);
    if (total > V2_MAX_BYTES) throw new ProxyHeaderError(`PROXY protocol v2 header of ${total} bytes is over ${V2_MAX_BYTES}`);
    return buffer.length >= total ? total : 0;
  }
  const n = Math.min(buffer.length, V1_PREFIX.length);
  if (!buffer.subarray(0, n).equals(V1_PREFIX.subarray(0, n))) throw new ProxyHeaderError("no PROXY protocol header");
  const end = buffer.indexOf("\r\n", 0, "latin1");
  if (end < 0) {
    if (buffer.length >= V1_MAX_BYTES) throw new ProxyHeaderError(`PROXY protocol v1 line longer than ${V1_MAX_BYTES} bytes`);
    return 0;
  }
  if (end + 2 > V1_MAX_BYTES) throw new ProxyHeaderError(`PROXY protocol v1 line longer than ${V1_MAX_BYTES} bytes`);
  return end + 2;
}

/**
 * The client address a complete header names; undefined for the proxy's own connections (v2 LOCAL,
 * v1 UNKNOWN: its health checks), which keep the socket's address.
 */
export function proxiedSource(header: Buffer): string | undefined {
  try {
    if (header[0] === V2_SIGNATURE[0]) {
      const parsed = V2ProxyProtocol.parse(header);
      if (parsed.command === Command.LOCAL) return undefined;
      const address = parsed.proxyAddress;
      if (address instanceof IPv4ProxyAddress) return address.sourceAddress.address.join(".");
      if (address instanceof IPv6ProxyAddress) return ipv6Text(address.sourceAddress.address);
      return undefined; // AF_UNIX or unspecified: no address to count
    }
    // "PROXY UNKNOWN", with or without the rest of a line after it, is the proxy's own connection;
    // the library reads only TCP4 and TCP6 lines.
    if (header.subarray(0, V1_UNKNOWN.length).equals(V1_UNKNOWN)) return undefined;
    const parsed = V1BinaryProxyProtocol.parse(header);
    const source = parsed.source.ipAddress;
    if (parsed.inetProtocol === INETProtocol.TCP4 ? !isIPv4(source) : !isIPv6(source)) {
      throw new ProxyHeaderError(`PROXY protocol v1 source "${source}" is not an ${parsed.inetProtocol} address`);
    }
    return source;
  } catch (error) {
    if (error instanceof ProxyHeaderError) throw error;
    throw new ProxyHeaderError(`malformed PROXY protocol header: ${(error as { message?: string }).message ?? String(error)}`);
  }
}

function ipv6Text(bytes: readonly number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // The canonical short form, so that one device's address is one key whichever proxy wrote it.
  return new URL(`http://[${groups.join(":")}]`).hostname.slice(1, -1);
}

/**
 * Reads the header a trusted proxy puts first on `socket`; resolves with the address it names
 * (undefined for the proxy's own connections) once the MQTT bytes after it are back in the socket,
 * unread. Rejects on anything else, or when no header is complete within `timeoutMs`.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<string | undefined> {
  return readHeader(socket, timeoutMs).then((source) => {
    if (source !== undefined) setClientAddress(socket, source);
    return source;
  });
}

const headerBytes = new WeakMap<Socket, number>();

/** Bytes of `socket` that were its PROXY protocol header (0 without one): the rest came from the client. */
export function proxyHeaderBytes(socket: object): number {
  return headerBytes.get(socket as Socket) ?? 0;
}

function readHeader(socket: Socket, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let buffered: Buffer = Buffer.alloc(0);
    const done = (error: Error | undefined, source?: string) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onEnd);
      socket.off("error", onError);
      if (error) reject(error);
      else resolve(source);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      try {
        const length = proxyHeaderLength(buffered);
        if (length === 0) return;
        socket.pause();
        headerBytes.set(socket, length);
        const source = proxiedSource(buffered.subarray(0, length));
        if (length < buffered.length) socket.unshift(buffered.subarray(length));
        done(undefined, source);
      } catch (error) {
        done(error as Error);
      }
    };
    const onEnd = () => done(new ProxyHeaderError("the connection ended before its PROXY protocol header"));
    const onError = (error: Error) => done(error);
    const timer = setTimeout(() => done(new ProxyHeaderError(`no PROXY protocol header within ${timeoutMs} ms`)), timeoutMs);
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", onEnd);
    socket.once("error", onError);
  });
}
