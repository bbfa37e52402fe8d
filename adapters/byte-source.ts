// A connection an adapter reads bytes from: a serial port, a UDP socket or a TCP connection.
// The adapter (line-adapter.ts) owns reconnecting; a source only opens once and reports its end.

export interface ByteSourceHandlers {
  data(chunk: Buffer): void;
  /** Called once when an open source closes or fails; never after close() was called by the adapter. */
  end(error?: Error): void;
}

export interface ByteSource {
  /** Where the bytes come from (device path, host:port), for logs and Envelope.port. */
  readonly address: string;
  /** Datagrams are whole messages: the framer ends a line at the end of each. */
  readonly datagrams: boolean;
  /** Whether pausing reading holds data back losslessly (TCP flow control) rather than losing it in a kernel buffer. */
  readonly lossless: boolean;
  open(handlers: ByteSourceHandlers): Promise<void>;
  close(): Promise<void>;
  pause(): void;
  resume(): void;
}

/** Calls `end` at most once, and not after the adapter itself closed the source. */
export function onceEnd(handlers: ByteSourceHandlers): { end(error?: Error): void; silence(): void } {
  let done = false;
  return {
    end(error) {
      if (done) return;
      done = true;
      handlers.end(error);
    },
    silence() {
      done = true;
    },
  };
}
