// Which TCP proxies the hub believes (mqtt.trustedProxies): their connections start with a PROXY
// protocol header naming the device's address (proxy-protocol.ts); nobody else's do.
import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * The trusted proxies of a `mqtt.trustedProxies` setting: comma-separated addresses and CIDR ranges
 * ("10.0.0.0/8, 127.0.0.1, fd00::/8"); undefined when empty. Throws naming the entry it cannot read.
 */
export function trustedProxies(setting: string): BlockList | undefined {
  const entries = setting
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = "", prefix, extra] = entry.split("/");
    const type = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
    const bits = prefix === undefined ? undefined : Number(prefix);
    const maxBits = type === "ipv4" ? 32 : 128;
    if (!type || extra !== undefined || (bits !== undefined && !(Number.isInteger(bits) && bits >= 0 && bits <= maxBits))) {
      throw new RangeError(`"${entry}" is not an IP address or a CIDR range`);
    }
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

/** Whether a connection comes from a trusted proxy (IPv4-mapped IPv6 addresses count as IPv4). */
export function fromTrustedProxy(list: BlockList, remoteAddress: string | undefined): boolean {
  if (remoteAddress === undefined) return false;
  const mapped = remoteAddress.startsWith("::ffff:") ? remoteAddress.slice(7) : remoteAddress;
  return isIPv4(mapped) ? list.check(mapped, "ipv4") : isIPv6(mapped) && list.check(mapped, "ipv6");
}
