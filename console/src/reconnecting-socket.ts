// A WebSocket that comes back: on close it reconnects with exponential backoff and jitter (0.5 s →
// 15 s), asking `url()` again each time so that the alert stream resumes from the current cursor.

export interface ReconnectingSocketOptions {
  url: () => string;
  onMessage: (data: string) => void;
  onState: (state: "connecting" | "open" | "closed") => void;
}

export class ReconnectingSocket {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly options: ReconnectingSocketOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  /** Closes the current connection as a network loss would (tests use it to prove resume). */
  drop(): void {
    this.socket?.close();
  }

  private connect(): void {
    this.options.onState("connecting");
    const socket = new WebSocket(this.options.url());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onState("open");
    };
    socket.onmessage = (event) => this.options.onMessage(String(event.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.options.onState("closed");
      if (this.stopped) return;
      const ceiling = Math.min(15_000, 500 * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), 500 + Math.random() * ceiling);
    };
  }
}
