// Serves an aedes peer of the benchmark on a free loopback port: prints {"port"} once listening,
// closes on SIGTERM.
import { createServer } from "node:net";
import type { Aedes } from "aedes";

export function servePeer(broker: Aedes): void {
  const server = createServer(broker.handle);
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
  });
  process.on("SIGTERM", () => {
    server.close();
    broker.close(() => process.exit(0));
  });
}
