// MQTT over WebSocket at /mqtt (the `mqtt` subprotocol), served by the same broker as TCP. The
// client's address is fastify's `request.ip`: behind a reverse proxy in http.trustedProxies, the one
// its X-Forwarded-For gives, so the per-address limits count devices, not the proxy. A connection
// the hub closes (a refusal at a limit, a timeout) gets a close frame before its TCP close: behind
// a proxy the device learns of it at once, where a bare TCP close left it waiting for its timeout.
import { createWebSocketStream } from "ws";
import type { FastifyPluginAsync } from "fastify";
import { setClientAddress } from "../../broker/client-address.js";
import type { HubBroker } from "../../broker/create-broker.js";

export const mqttWebSocketRoutes =
  (broker: HubBroker): FastifyPluginAsync =>
  async (app) => {
    app.get("/mqtt", { websocket: true }, (socket, request) => {
      const stream = createWebSocketStream(socket);
      const terminate = stream._destroy;
      stream._destroy = function (error, callback) {
        if (socket.readyState === socket.OPEN) socket.close(1000);
        terminate.call(this, error, callback);
      };
      setClientAddress(stream, request.ip);
      broker.handle(stream, "websocket", request.raw);
    });
  };
