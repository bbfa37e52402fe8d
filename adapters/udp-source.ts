// NMEA over UDP (IEC 61162-450 style broadcast, port 10110 by convention): each datagram holds one
// or more whole lines. UDP has no flow control, so a full queue drops (counted) rather than pauses.
import { type Socket, createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { type ByteSource, type ByteSourceHandlers, onceEnd } from "./byte-source.js";

export class UdpSource implements ByteSource {
  readonly datagrams = true;
  readonly lossless = false;
  private socket: Socket | undefined;
  private ending: ReturnType<typeof onceEnd> | undefined;
  private boundPort: number;

  constructor(
    private readonly host: string,
    port: number,
  ) {
    this.boundPort = port;
  }

  get address(): string {
    return `udp://${isIPv6(this.host) ? `[${this.host}]` : this.host}:${this.boundPort}`;
  }

  /** The bound port (useful when configured as 0). */
  get port(): number {
    return this.boundPort;
  }

  open(handlers: ByteSourceHandlers): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.host) ? "udp6" : "udp4", reuseAddr: true });
    const ending = onceEnd(handlers);
    this.ending = ending;
    return new Promise((resolve, reject) => {
      socket.once("error", (error) => {
        ending.silence();
        socket.close();
        reject(error);
      });
      socket.bind(this.boundPort, this.host, () => {
        socket.removeAllListeners("error");
        socket.on("error", (error) => ending.end(error));
        socket.on("message", (datagram) => handlers.data(datagram));
        this.boundPort = socket.address().port;
        this.socket = socket;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.ending?.silence();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }

  pause(): void {}

  resume(): void {}
}
