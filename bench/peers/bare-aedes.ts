// The benchmark's peer: aedes with default options and no hooks, on a free loopback port.
import { Aedes } from "aedes";
import { servePeer } from "./serve-peer.js";

servePeer(await Aedes.createBroker());
