// Water-quality sensors on an RS-485 Modbus RTU bus (adapters/modbus-adapter.ts): one block of
// registers read from one slave → one reading. Envelope.bytes is the register data exactly as the
// slave sent it (big-endian 16-bit registers); Envelope.options says which address the block
// starts at and the register map (type, word order, scale, offset, quantity, unit).
import type { ModbusRegister } from "../../adapters/adapter-config.js";
import { type Rejection, reject } from "../rejection.js";
import { type ReadingEntry, buildSensorReading, scaled } from "../sensor-reading-builder.js";
import type { Decoder } from "./decoder.js";

export interface RegisterBlock {
  unitId: number;
  table: "holding" | "input";
  start: number;
  registers: ModbusRegister[];
}

const WORDS: Record<ModbusRegister["type"], number> = { int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2 };

function readRegister(bytes: Buffer, offset: number, register: ModbusRegister): number {
  if (WORDS[register.type] === 1) return register.type === "int16" ? bytes.readInt16BE(offset) : bytes.readUInt16BE(offset);
  // Two registers; "little" word order (common in sensors: the low word first) swaps them.
  const words =
    register.wordOrder === "little"
      ? Buffer.concat([bytes.subarray(offset + 2, offset + 4), bytes.subarray(offset, offset + 2)])
      : bytes.subarray(offset, offset + 4);
  if (register.type === "float32") return words.readFloatBE(0);
  return register.type === "int32" ? words.readInt32BE(0) : words.readUInt32BE(0);
}

export const modbusRegistersDecoder: Decoder = {
  name: "modbus-registers",
  decode(envelope) {
    const block = envelope.options as RegisterBlock | undefined;
    if (!block) {
      return { observations: [], rejections: [reject("format_unsupported", "Modbus registers come only through a modbus-rtu adapter")] };
    }
    const entries: ReadingEntry[] = [];
    const rejections: Rejection[] = [];
    for (const register of block.registers) {
      const path = `/unit/${block.unitId}/${block.table}/${register.address}`;
      const offset = (register.address - block.start) * 2;
      if (offset < 0 || offset + WORDS[register.type] * 2 > envelope.bytes.length) {
        rejections.push(
          reject("modbus_register_invalid", `register ${register.address} is outside the ${envelope.bytes.length / 2} registers read`, {
            path,
          }),
        );
        continue;
      }
      const raw = readRegister(envelope.bytes, offset, register);
      if (!Number.isFinite(raw)) {
        rejections.push(reject("modbus_register_invalid", `${register.quantity} is ${raw} (the sensor has no value)`, { path }));
        continue;
      }
      entries.push({ name: register.quantity, value: scaled(raw, register.scale, register.offset), unit: register.unit, path });
    }
    if (entries.length === 0) return { observations: [], rejections };
    const built = buildSensorReading({
      station: envelope.subjectId,
      source: envelope.via,
      timeMs: envelope.receivedAt,
      deviceKind: envelope.deviceKind,
      path: `/unit/${block.unitId}`,
      entries,
    });
    if ("rejection" in built) return { observations: [], rejections: [...rejections, built.rejection] };
    return { observations: [built.reading], rejections };
  },
};
