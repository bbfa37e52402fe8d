// MQTT over WebSocket at /mqtt (the `mqtt` subprotocol), served by the same broker as TCP.
import { createWebSocketStream } from "ws";
import type { FastifyPluginAsync } from "fastify";
import type { HubBroker } from "../../broker/create-broker.js";

export const mqttWebSocketRoutes =
  (broker: HubBroker): FastifyPluginAsync =>
  async (app) => {
    app.get("/mqtt", { websocket: true }, (socket, request) => {
      broker.handle(createWebSocketStream(socket), "websocket", request.raw);
    });
  };
