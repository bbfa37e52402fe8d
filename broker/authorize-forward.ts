// aedes authorizeForward hook: integrations may hold wide filters (`#`); other devices' error topics
// are withheld from them at delivery.
import type { AedesPublishPacket, Client } from "aedes";
import { canReceive } from "./acl.js";
import type { BrokerContext } from "./broker-context.js";

export function createAuthorizeForward(context: BrokerContext) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    const principal = context.principals.get(client);
    if (!principal) return null;
    return canReceive(principal, packet.topic) ? packet : null;
  };
}
