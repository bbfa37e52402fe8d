// aedes preConnect hook: remembers what aedes would otherwise hide from authenticate.
import type { Client, ConnectPacket } from "aedes";
import type { BrokerContext } from "./broker-context.js";

export function createPreConnect(context: BrokerContext) {
  return (client: Client, packet: ConnectPacket, callback: (error: Error | null, success: boolean) => void): void => {
    // aedes invents an id for an empty one even when the session is persistent; MQTT 3.1.1 requires
    // CONNACK 0x02 (identifier rejected) instead [MQTT-3.1.3-8]. authenticate answers it.
    if (packet.clientId === "" && packet.clean === false) context.emptyIdPersistent.add(client);
    callback(null, true);
  };
}
