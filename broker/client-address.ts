// A connection's client address, as the per-address limits, the login lockout and the logs see it:
// the one a trusted proxy named (a PROXY protocol header on TCP, X-Forwarded-For on a WebSocket's
// upgrade request), else the socket's own.
const named = new WeakMap<object, string>();

/** Records the address a trusted proxy gave for the connection of `stream`. */
export function setClientAddress(stream: object, address: string): void {
  named.set(stream, address);
}

/** The connection's client address: the one its proxy named, else the socket's (or the HTTP request's, for WebSockets). */
export function clientAddress(
  stream: object | undefined,
  request?: { socket?: { remoteAddress?: string | undefined } },
): string | undefined {
  if (!stream) return request?.socket?.remoteAddress;
  // A TLS socket's `_parent` is the TCP socket it wraps (Node's tls keeps it), where a PROXY header was read.
  const parent = (stream as { _parent?: object | null })._parent;
  return (
    named.get(stream) ??
    (parent ? named.get(parent) : undefined) ??
    (stream as { remoteAddress?: string }).remoteAddress ??
    request?.socket?.remoteAddress
  );
}
