// A TCP client to an NMEA/AIS feed (a shore station's or an AIS network's port). TCP flow control
// makes pausing lossless: when the queue is full the socket stops reading and the sender waits.
import { type Socket, connect } from "node:net";
import { type ByteSource, type ByteSourceHandlers, onceEnd } from "./byte-source.js";

const CONNECT_TIMEOUT_MS = 10_000;
/** A feed that sends nothing for this long is treated as dead (half-open connections after a network loss). */
const IDLE_TIMEOUT_MS = 120_000;

export class TcpSource implements ByteSource {
  readonly datagrams = false;
  readonly lossless = true;
  private socket: Socket | undefined;
  private ending: ReturnType<typeof onceEnd> | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get address(): string {
    return `tcp://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  open(handlers: ByteSourceHandlers): Promise<void> {
    const ending = onceEnd(handlers);
    this.ending = ending;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.setTimeout(CONNECT_TIMEOUT_MS);
      const fail = (error: Error) => {
        ending.silence();
        socket.destroy();
        reject(error);
      };
      socket.once("error", fail);
      socket.once("timeout", () => fail(new Error(`no connection to ${this.address} within ${CONNECT_TIMEOUT_MS} ms`)));
      socket.once("connect", () => {
        socket.removeAllListeners("error");
        socket.removeAllListeners("timeout");
        socket.setKeepAlive(true, 30_000);
        socket.setTimeout(IDLE_TIMEOUT_MS);
        socket.on("timeout", () => {
          ending.end(new Error(`nothing received for ${IDLE_TIMEOUT_MS / 1000} s`));
          socket.destroy();
        });
        socket.on("data", (chunk: Buffer) => handlers.data(chunk));
        socket.on("error", (error) => ending.end(error));
        socket.on("close", () => ending.end(new Error("the feed closed the connection")));
        this.socket = socket;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.ending?.silence();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once("close", () => resolve());
      socket.destroy();
    });
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }
}
