// Water-quality sensors on an RS-485 bus, polled as a Modbus RTU master (modbus-serial) on a
// schedule. Each slave's registers are read in as few requests as the map allows (contiguous
// runs of at most 125 registers per table, the protocol's limit for function 3/4), and each block
// goes through the ingest pipeline as a `modbus-registers` envelope. A slave that times out or
// answers with a bad CRC is counted per slave and kind; the bus stays up for the others.
import { setTimeout as sleep } from "node:timers/promises";
import { worthLogging } from "../hub/log-throttle.js";
import type { Logger } from "../hub/logger.js";
import type { RegisterBlock } from "../ingest/decoders/modbus-registers.js";
import type { Envelope } from "../ingest/envelope.js";
import type { ModbusAdapterConfig, ModbusRegister, ModbusSlave } from "./adapter-config.js";
import { AdapterStatus } from "./adapter-status.js";
import { type IngestTarget, deliver } from "./ingest-target.js";
import { type Session, Supervisor, type SupervisorOptions, defaultSupervisorOptions } from "./supervisor.js";

const MAX_REGISTERS_PER_READ = 125;
const WORDS: Record<ModbusRegister["type"], number> = { int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2 };

interface PlannedRead {
  slave: ModbusSlave;
  block: RegisterBlock;
  count: number;
}

/** Groups a slave's registers into reads: per table, contiguous-enough runs within 125 registers. */
export function planReads(slaves: readonly ModbusSlave[]): PlannedRead[] {
  const reads: PlannedRead[] = [];
  for (const slave of slaves) {
    for (const table of ["holding", "input"] as const) {
      const registers = slave.registers.filter((r) => r.table === table).sort((a, b) => a.address - b.address);
      let current: PlannedRead | undefined;
      for (const register of registers) {
        const end = register.address + WORDS[register.type];
        if (current && end - current.block.start <= MAX_REGISTERS_PER_READ) {
          current.block.registers.push(register);
          current.count = Math.max(current.count, end - current.block.start);
        } else {
          current = {
            slave,
            block: { unitId: slave.unitId, table, start: register.address, registers: [register] },
            count: WORDS[register.type],
          };
          reads.push(current);
        }
      }
    }
  }
  return reads;
}

/** timeout, crc, exception (the slave answered with a Modbus exception code) or other. */
export function modbusErrorKind(error: Error & { modbusCode?: number; errno?: string }): string {
  if (error.errno === "ETIMEDOUT" || /timed out/i.test(error.message)) return "timeout";
  if (/crc/i.test(error.message)) return "crc";
  if (error.modbusCode !== undefined) return "exception";
  return "other";
}

interface ModbusClient {
  connectRTUBuffered(path: string, options: Record<string, unknown>): Promise<void>;
  setTimeout(ms: number): void;
  setID(id: number): void;
  readHoldingRegisters(address: number, length: number): Promise<{ buffer: Buffer }>;
  readInputRegisters(address: number, length: number): Promise<{ buffer: Buffer }>;
  close(callback: () => void): void;
  on(event: "close" | "error", listener: (error?: Error) => void): void;
  readonly isOpen: boolean;
}

export class ModbusAdapter {
  readonly status: AdapterStatus;
  private readonly supervisor: Supervisor;
  private readonly reads: PlannedRead[];

  constructor(
    private readonly config: ModbusAdapterConfig,
    private readonly target: IngestTarget,
    private readonly log: Logger,
    supervisorOptions: SupervisorOptions = defaultSupervisorOptions,
  ) {
    this.status = new AdapterStatus(config.id, config.type, config.path);
    this.reads = planReads(config.slaves);
    this.supervisor = new Supervisor(this.status, log, this.session, supervisorOptions);
  }

  get address(): string {
    return this.config.path;
  }

  start(): void {
    this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  private readonly session: Session = async (signal, up) => {
    // modbus-serial (and serialport under it) is loaded by the first Modbus session, not by every hub.
    const ModbusRTU = (await import("modbus-serial")).default;
    const client = new (ModbusRTU as unknown as new () => ModbusClient)();
    let closed: Error | undefined;
    let wake: () => void = () => undefined;
    const onClose = (error?: Error) => {
      closed ??= error ?? new Error("the serial port closed");
      wake();
    };
    client.on("close", onClose);
    client.on("error", onClose);
    await client.connectRTUBuffered(this.config.path, {
      baudRate: this.config.baudRate,
      dataBits: this.config.dataBits,
      parity: this.config.parity,
      stopBits: this.config.stopBits,
    });
    client.setTimeout(this.config.timeoutMs);
    up();
    try {
      while (!signal.aborted && !closed) {
        const started = Date.now();
        for (const read of this.reads) {
          if (signal.aborted || closed || !client.isOpen) break;
          await this.poll(client, read);
        }
        const wait = Math.max(0, this.config.intervalMs - (Date.now() - started));
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
        });
        await Promise.race([sleep(wait, undefined, { signal }).catch(() => undefined), woken]);
        if (!client.isOpen) closed ??= new Error("the serial port closed");
      }
    } finally {
      if (client.isOpen) await new Promise<void>((resolve) => client.close(() => resolve()));
    }
    return closed;
  };

  private async poll(client: ModbusClient, read: PlannedRead): Promise<void> {
    const { slave, block, count } = read;
    client.setID(slave.unitId);
    let buffer: Buffer;
    try {
      const result =
        block.table === "holding"
          ? await client.readHoldingRegisters(block.start, count)
          : await client.readInputRegisters(block.start, count);
      buffer = result.buffer;
    } catch (error) {
      if (!client.isOpen) return; // the port went away: the session ends and reconnects
      const kind = modbusErrorKind(error as Error);
      this.status.countModbusError(slave.unitId, kind);
      const n = this.status.counters.modbusErrors[`${slave.unitId}:${kind}`] as number;
      if (worthLogging(n)) {
        this.log.warn(
          { address: this.config.path, unitId: slave.unitId, kind, count: n, error: (error as Error).message },
          "Modbus read failed",
        );
      }
      return;
    }
    this.status.counters.modbusReads++;
    const envelope: Envelope = {
      via: "serial",
      format: "modbus-registers",
      deviceId: this.config.id,
      deviceKind: slave.kind ?? this.config.kind,
      subjectId: slave.station,
      port: this.config.path,
      receivedAt: Date.now(),
      bytes: buffer,
      options: block,
    };
    await deliver(this.target, envelope, 1, this.status, this.log);
  }
}
