// A second aedes peer for the sustained fan-in: default options but for one thing the hub does, a
// deque for the messages waiting on aedes' in-memory bus (broker/message-bus-queue.ts). It tells how
// much of bare aedes' slowdown over a long run is that queue, and what the hub's other work costs.
import { createServer } from "node:net";
import { Aedes } from "aedes";
import { useDequeForWaitingMessages } from "../../broker/message-bus-queue.js";

const broker = await Aedes.createBroker();
if (!useDequeForWaitingMessages((broker as unknown as { mq: object }).mq)) throw new Error("aedes' bus has no waiting queues to replace");
const server = createServer(broker.handle);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === "object" && address ? address.port : 0 })}\n`);
});
process.on("SIGTERM", () => {
  server.close();
  broker.close(() => process.exit(0));
});
