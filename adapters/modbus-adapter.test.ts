import { describe, expect, it } from "vitest";
import type { ModbusRegister, ModbusSlave } from "./adapter-config.js";
import { modbusErrorKind, planReads } from "./modbus-adapter.js";

const reg = (address: number, extra: Partial<ModbusRegister> = {}): ModbusRegister => ({
  table: "holding",
  address,
  type: "uint16",
  wordOrder: "big",
  scale: 1,
  offset: 0,
  quantity: "ph",
  ...extra,
});

describe("planReads", () => {
  it.each([
    ["one register", [reg(5)], [["holding", 5, 1]]],
    ["a contiguous run in one read", [reg(0), reg(1), reg(2, { type: "float32" })], [["holding", 0, 4]]],
    ["unsorted map, gap inside the 125-register limit", [reg(40), reg(0)], [["holding", 0, 41]]],
    [
      "past 125 registers: two reads",
      [reg(0), reg(124), reg(125)],
      [
        ["holding", 0, 125],
        ["holding", 125, 1],
      ],
    ],
    [
      "a float32 at the limit does not fit",
      [reg(0), reg(124, { type: "float32" })],
      [
        ["holding", 0, 1],
        ["holding", 124, 2],
      ],
    ],
    [
      "holding and input tables apart",
      [reg(0), reg(0, { table: "input" })],
      [
        ["holding", 0, 1],
        ["input", 0, 1],
      ],
    ],
  ] as const)("%s", (_name, registers, reads) => {
    const slave: ModbusSlave = { unitId: 7, station: "S", registers: [...registers] };
    expect(planReads([slave]).map((r) => [r.block.table, r.block.start, r.count])).toEqual(reads);
  });
});

describe("modbusErrorKind", () => {
  it.each([
    [{ name: "TransactionTimedOutError", message: "Timed out", errno: "ETIMEDOUT" }, "timeout"],
    [new Error("CRC error"), "crc"],
    [Object.assign(new Error("Modbus exception 2: Illegal data address"), { modbusCode: 2 }), "exception"],
    [new Error("Data length error, expected 9 got 5"), "other"],
  ])("%o → %s", (error, kind) => {
    expect(modbusErrorKind(error as Error)).toBe(kind);
  });
});
