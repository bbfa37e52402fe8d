// A second aedes peer for the sustained fan-in: default options but for one thing the hub does, a
// deque for the messages waiting on aedes' in-memory bus (broker/message-bus-queue.ts). It tells how
// much of bare aedes' slowdown over a long run is that queue, and what the hub's other work costs.
import { Aedes } from "aedes";
import { useDequeForWaitingMessages } from "../../broker/message-bus-queue.js";
import { servePeer } from "./serve-peer.js";

const broker = await Aedes.createBroker();
if (!useDequeForWaitingMessages((broker as unknown as { mq: object }).mq)) throw new Error("aedes' bus has no waiting queues to replace");
servePeer(broker);
