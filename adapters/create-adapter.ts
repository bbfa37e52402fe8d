// The adapter registry: one line per transport. Used by the hub and by `ioc-hub adapter run`.
import type { Logger } from "../hub/logger.js";
import type { DeadLetterLog } from "../ingest/dead-letter.js";
import type { AdapterConfig } from "./adapter-config.js";
import type { IngestTarget } from "./ingest-target.js";
import { LineAdapter } from "./line-adapter.js";
import { ModbusAdapter } from "./modbus-adapter.js";
import { SerialSource } from "./serial-source.js";
import type { SupervisorOptions } from "./supervisor.js";
import { TcpSource } from "./tcp-source.js";
import { UdpSource } from "./udp-source.js";

export type Adapter = LineAdapter | ModbusAdapter;

export function createAdapter(
  config: AdapterConfig,
  target: IngestTarget,
  log: Logger,
  deadLetter?: DeadLetterLog,
  supervisor?: SupervisorOptions,
): Adapter {
  const child = log.child({ adapter: config.id });
  switch (config.type) {
    case "serial":
      return new LineAdapter(config, new SerialSource(config.path, config), target, child, deadLetter, supervisor);
    case "udp":
      return new LineAdapter(config, new UdpSource(config.host, config.port), target, child, deadLetter, supervisor);
    case "tcp":
      return new LineAdapter(config, new TcpSource(config.host, config.port), target, child, deadLetter, supervisor);
    case "modbus-rtu":
      return new ModbusAdapter(config, target, child, supervisor);
  }
}
