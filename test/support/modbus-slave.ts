// A Modbus RTU bus of simulated water-quality sensors on one end of a pty pair: answers function 3
// (holding) and 4 (input) requests for its units from their register tables, and can misbehave
// per unit: stay silent (the master times out) or answer with a wrong CRC.
import { SerialPort } from "serialport";

export interface SimulatedUnit {
  registers: Map<number, number>;
  behaviour?: "ok" | "silent" | "bad-crc";
}

export interface ModbusSlaveBus {
  requests: number;
  close(): Promise<void>;
}

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), written here independently of the master's. */
function crc16(bytes: Buffer): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >> 1) ^ 0xa001 : crc >> 1;
  }
  return crc;
}

function frame(bytes: number[]): Buffer {
  const body = Buffer.from(bytes);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body));
  return Buffer.concat([body, crc]);
}

export async function modbusSlaveBus(path: string, units: Map<number, SimulatedUnit>): Promise<ModbusSlaveBus> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on("error", () => undefined); // the pty vanishing ends the test's bus
  const bus: ModbusSlaveBus = {
    requests: 0,
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
  let pending = Buffer.alloc(0);
  port.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    // Read requests are always 8 bytes: unit, function, address (2), count (2), CRC (2).
    while (pending.length >= 8) {
      const request = pending.subarray(0, 8);
      pending = pending.subarray(8);
      bus.requests++;
      const [unitId, fn] = [request[0] as number, request[1] as number];
      const unit = units.get(unitId);
      if (!unit || unit.behaviour === "silent" || (fn !== 3 && fn !== 4)) continue;
      const start = request.readUInt16BE(2);
      const count = request.readUInt16BE(4);
      const data: number[] = [];
      for (let i = 0; i < count; i++) {
        const value = unit.registers.get(start + i) ?? 0;
        data.push(value >> 8, value & 0xff);
      }
      const answer = frame([unitId, fn, count * 2, ...data]);
      if (unit.behaviour === "bad-crc") answer.writeUInt8((answer.at(-1) as number) ^ 0xff, answer.length - 1);
      port.write(answer);
    }
  });
  return bus;
}
