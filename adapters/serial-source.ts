// A serial port (USB AIS receiver, RS-232/RS-485 data logger) through the serialport library.
// Unplugging a USB adapter (or a pty losing its other end) shows up as an error or a close with
// `disconnected`; both end the source, and the adapter reopens the same path with backoff.
import type { SerialPort } from "serialport";
import type { SerialFraming } from "./adapter-config.js";
import { type ByteSource, type ByteSourceHandlers, onceEnd } from "./byte-source.js";

export class SerialSource implements ByteSource {
  readonly datagrams = false;
  readonly lossless = false;
  private port: SerialPort | undefined;
  private ending: ReturnType<typeof onceEnd> | undefined;

  constructor(
    private readonly path: string,
    private readonly framing: SerialFraming,
  ) {}

  get address(): string {
    return this.path;
  }

  async open(handlers: ByteSourceHandlers): Promise<void> {
    // The driver (a native addon) is loaded by the first serial adapter, not by every hub.
    const { SerialPort } = await import("serialport");
    const port = new SerialPort({
      path: this.path,
      baudRate: this.framing.baudRate,
      dataBits: this.framing.dataBits,
      parity: this.framing.parity,
      stopBits: this.framing.stopBits,
      autoOpen: false,
    });
    const ending = onceEnd(handlers);
    this.ending = ending;
    return new Promise((resolve, reject) => {
      port.open((error) => {
        if (error) {
          ending.silence();
          reject(error);
          return;
        }
        this.port = port;
        port.on("data", (chunk: Buffer) => handlers.data(chunk));
        port.on("error", (err: Error) => {
          ending.end(err);
          if (port.isOpen) port.close(() => undefined);
        });
        port.on("close", (err: (Error & { disconnected?: boolean }) | null) => ending.end(err ?? new Error("the serial port was closed")));
        resolve();
      });
    });
  }

  close(): Promise<void> {
    this.ending?.silence();
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  pause(): void {
    this.port?.pause();
  }

  resume(): void {
    this.port?.resume();
  }
}
