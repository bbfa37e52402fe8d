// The decoder registry: one line per input format.
import { aisNmeaDecoder } from "./ais-nmea.js";
import type { Decoder } from "./decoder.js";
import { modbusRegistersDecoder } from "./modbus-registers.js";
import { nmeaRmcDecoder } from "./nmea-rmc.js";
import { senmlDecoder } from "./senml.js";
import { sensorLinesDecoder } from "./sensor-lines.js";
import { vmsJsonDecoder } from "./vms-json.js";
import { vmsNafDecoder } from "./vms-naf.js";
import { sensorJsonDecoder } from "./sensor-json.js";

export const decoders: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  [sensorJsonDecoder.name, sensorJsonDecoder],
  [senmlDecoder.name, senmlDecoder],
  [aisNmeaDecoder.name, aisNmeaDecoder],
  [vmsJsonDecoder.name, vmsJsonDecoder],
  [vmsNafDecoder.name, vmsNafDecoder],
  [sensorLinesDecoder.name, sensorLinesDecoder],
  [modbusRegistersDecoder.name, modbusRegistersDecoder],
  [nmeaRmcDecoder.name, nmeaRmcDecoder],
]);
