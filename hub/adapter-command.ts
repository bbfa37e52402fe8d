// `ioc-hub adapter list` and `ioc-hub adapter run <id>`: one configured adapter in its own
// process. With --mqtt it forwards to a hub (a serial gateway by the receiver); with --print it
// decodes locally and prints observations and rejections as JSON lines (commissioning a new
// logger or register map without a hub). Stops cleanly on SIGINT/SIGTERM.
import mqtt from "mqtt";
import { createAdapter } from "../adapters/create-adapter.js";
import type { IngestTarget } from "../adapters/ingest-target.js";
import { MqttForwarder } from "../adapters/mqtt-forwarder.js";
import { decoders } from "../ingest/decoders/registry.js";
import type { Envelope } from "../ingest/envelope.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import type { HubConfig } from "./config.js";
import { createLogger } from "./logger.js";

export async function runAdapterCommand(
  config: HubConfig,
  args: string[],
  options: { mqtt?: string; username?: string; password?: string; print?: boolean; json?: boolean },
): Promise<number> {
  const [action, id] = args;
  if (action === "list") {
    for (const a of config.adapters) {
      const where = a.type === "udp" || a.type === "tcp" ? `${a.host}:${a.port}` : a.path;
      const format = a.type === "modbus-rtu" ? "modbus-registers" : a.format;
      process.stdout.write(
        options.json ? `${JSON.stringify(a)}\n` : `${a.id}\t${a.type}\t${where}\t${format}\t${a.enabled ? "enabled" : "disabled"}\n`,
      );
    }
    return 0;
  }
  const adapterConfig = config.adapters.find((a) => a.id === id);
  if (action !== "run" || !adapterConfig) {
    process.stderr.write(
      action === "run"
        ? `ioc-hub: no adapter "${id}" in the config\n`
        : "ioc-hub: adapter list | adapter run <id> (--mqtt <url> | --print)\n",
    );
    return 2;
  }
  if (!options.mqtt === !options.print) {
    process.stderr.write("ioc-hub: adapter run needs exactly one of --mqtt <hub url> (with --username/--password) or --print\n");
    return 2;
  }
  const log = createLogger(config.logLevel);
  const context = { schemas: new SchemaRegistry(), limits: config.ingest };
  let client: mqtt.MqttClient | undefined;
  let target: IngestTarget;
  if (options.mqtt) {
    // The port is read from the start; while the hub is not reachable yet, publishes wait in the
    // client (QoS 1) and the adapter's bounded queue fills behind the one envelope in flight.
    client = mqtt.connect(options.mqtt, {
      username: options.username ?? process.env.IOC_ADAPTER_USERNAME,
      password: options.password ?? process.env.IOC_ADAPTER_PASSWORD,
      clientId: `adapter-${adapterConfig.id}`,
      clean: false,
      reconnectPeriod: 2000,
    });
    client.on("connect", () => log.info({ hub: options.mqtt }, "connected to the hub"));
    client.on("error", (error) => log.warn({ err: error }, "hub connection error"));
    target = new MqttForwarder(client, context, log.child({ component: "forwarder" }));
  } else {
    target = {
      async ingest(envelope: Envelope) {
        const decoder = decoders.get(envelope.format);
        if (!decoder) throw new Error(`no decoder for ${envelope.format}`);
        const { observations, rejections } = decoder.decode(envelope, context);
        for (const o of observations) process.stdout.write(`${JSON.stringify(o)}\n`);
        for (const r of rejections) process.stdout.write(`${JSON.stringify({ rejected: r })}\n`);
      },
    };
  }
  const adapter = createAdapter(adapterConfig, target, log.child({ component: "adapter" }));
  adapter.status.onChange((s) => log.info({ state: s.state, lastError: s.lastError }, `adapter ${s.state}`));
  adapter.start();
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await adapter.stop();
  await client?.endAsync();
  log.info({ counters: adapter.status.counters }, "adapter stopped");
  return 0;
}
