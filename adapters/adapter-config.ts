// The `adapters` section of the hub config: one entry per serial port, socket or Modbus bus, each
// validated by this schema (a branch per `type`, chosen by ajv's discriminator so errors name the
// keys of that type only). Defaults are filled in by withAdapterDefaults: ajv applies no defaults
// inside oneOf branches.

const id = { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$" } as const;
const serialFraming = {
  baudRate: { type: "integer", enum: [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] },
  dataBits: { enum: [5, 6, 7, 8] },
  parity: { enum: ["none", "even", "odd", "mark", "space"] },
  stopBits: { enum: [1, 1.5, 2] },
} as const;
const common = {
  id,
  enabled: { type: "boolean" },
  subject: { ...id, description: "receiver, station or vessel the data is about; default: the adapter id" },
  kind: { enum: ["air", "water"], description: "station kind of sensor data" },
  downAlertAfterMs: { type: "integer", minimum: 1000 },
  queueLines: { type: "integer", minimum: 10, maximum: 1_000_000 },
  maxLineBytes: { type: "integer", minimum: 64, maximum: 65536 },
} as const;
const lineFormat = {
  type: "object",
  additionalProperties: false,
  required: ["style", "fields"],
  properties: {
    style: { enum: ["csv", "key-value"] },
    delimiter: { type: "string", minLength: 1, maxLength: 1, description: "csv column delimiter (default ,)" },
    columns: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "csv column names, in order" },
    timeField: {
      type: "string",
      minLength: 1,
      description: "column/key with the time (ISO 8601, Unix s or ms); absent: time of reception",
    },
    stationField: { type: "string", minLength: 1, description: "column/key with the station id; absent: the adapter's subject" },
    fields: {
      type: "object",
      minProperties: 1,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["quantity"],
        properties: { quantity: { type: "string" }, unit: { type: "string" }, scale: { type: "number" }, offset: { type: "number" } },
      },
    },
  },
} as const;
const lineProperties = {
  format: { enum: ["ais-nmea", "vms-naf", "nmea-rmc", "sensor-lines"] },
  lines: lineFormat,
} as const;
const register = {
  type: "object",
  additionalProperties: false,
  required: ["address", "quantity"],
  properties: {
    table: { enum: ["holding", "input"] },
    address: { type: "integer", minimum: 0, maximum: 65535 },
    type: { enum: ["int16", "uint16", "int32", "uint32", "float32"] },
    wordOrder: { enum: ["big", "little"], description: "big: the high word at the lower address" },
    scale: { type: "number" },
    offset: { type: "number" },
    quantity: { type: "string" },
    unit: { type: "string" },
  },
} as const;

export const adapterSchema = {
  type: "object",
  required: ["type"],
  properties: { type: { enum: ["serial", "udp", "tcp", "modbus-rtu"] } },
  discriminator: { propertyName: "type" },
  oneOf: [
    {
      additionalProperties: false,
      required: ["id", "path", "format"],
      properties: { type: { const: "serial" }, ...common, path: { type: "string", minLength: 1 }, ...serialFraming, ...lineProperties },
    },
    {
      additionalProperties: false,
      required: ["id", "format"],
      properties: {
        type: { const: "udp" },
        ...common,
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 0, maximum: 65535 },
        ...lineProperties,
      },
    },
    {
      additionalProperties: false,
      required: ["id", "host", "port", "format"],
      properties: {
        type: { const: "tcp" },
        ...common,
        host: { type: "string", minLength: 1 },
        port: { type: "integer", minimum: 1, maximum: 65535 },
        ...lineProperties,
      },
    },
    {
      additionalProperties: false,
      required: ["id", "path", "slaves"],
      properties: {
        type: { const: "modbus-rtu" },
        ...common,
        path: { type: "string", minLength: 1 },
        ...serialFraming,
        intervalMs: { type: "integer", minimum: 100 },
        timeoutMs: { type: "integer", minimum: 50, maximum: 60000 },
        slaves: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            additionalProperties: false,
            required: ["unitId", "registers"],
            properties: {
              unitId: { type: "integer", minimum: 1, maximum: 247 },
              station: id,
              kind: { enum: ["air", "water"] },
              registers: { type: "array", minItems: 1, items: register },
            },
          },
        },
      },
    },
  ],
} as const;

export type LineFormatName = "ais-nmea" | "vms-naf" | "nmea-rmc" | "sensor-lines";

export interface FieldMapping {
  quantity: string;
  unit?: string;
  scale?: number;
  offset?: number;
}

export interface LineFormat {
  style: "csv" | "key-value";
  delimiter?: string;
  columns?: string[];
  timeField?: string;
  stationField?: string;
  fields: Record<string, FieldMapping>;
}

export interface SerialFraming {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: "none" | "even" | "odd" | "mark" | "space";
  stopBits: 1 | 1.5 | 2;
}

interface CommonAdapterConfig {
  id: string;
  enabled: boolean;
  subject: string;
  kind?: "air" | "water";
  downAlertAfterMs: number;
  queueLines: number;
  maxLineBytes: number;
}

export interface LineAdapterCommon extends CommonAdapterConfig {
  format: LineFormatName;
  lines?: LineFormat;
}

export interface SerialAdapterConfig extends LineAdapterCommon, SerialFraming {
  type: "serial";
  path: string;
}

export interface UdpAdapterConfig extends LineAdapterCommon {
  type: "udp";
  host: string;
  port: number;
}

export interface TcpAdapterConfig extends LineAdapterCommon {
  type: "tcp";
  host: string;
  port: number;
}

export interface ModbusRegister {
  table: "holding" | "input";
  address: number;
  type: "int16" | "uint16" | "int32" | "uint32" | "float32";
  wordOrder: "big" | "little";
  scale: number;
  offset: number;
  quantity: string;
  unit?: string;
}

export interface ModbusSlave {
  unitId: number;
  station: string;
  kind?: "air" | "water";
  registers: ModbusRegister[];
}

export interface ModbusAdapterConfig extends CommonAdapterConfig, SerialFraming {
  type: "modbus-rtu";
  path: string;
  intervalMs: number;
  timeoutMs: number;
  slaves: ModbusSlave[];
}

export type LineAdapterConfig = SerialAdapterConfig | UdpAdapterConfig | TcpAdapterConfig;
export type AdapterConfig = LineAdapterConfig | ModbusAdapterConfig;

type Raw = Record<string, unknown>;

/** Fills the documented defaults of one schema-valid adapter entry. */
export function withAdapterDefaults(raw: Raw): AdapterConfig {
  const type = raw.type as AdapterConfig["type"];
  const base = {
    enabled: true,
    subject: raw.id,
    downAlertAfterMs: 300_000,
    queueLines: 10_000,
    maxLineBytes: 1024,
  };
  const framing = { dataBits: 8, parity: "none", stopBits: 1 };
  switch (type) {
    case "serial":
      return { ...base, ...framing, baudRate: raw.format === "sensor-lines" ? 9600 : 38_400, ...raw } as SerialAdapterConfig;
    case "udp":
      return { ...base, host: "127.0.0.1", port: 10110, ...raw } as UdpAdapterConfig;
    case "tcp":
      return { ...base, ...raw } as TcpAdapterConfig;
    case "modbus-rtu": {
      const slaves = (raw.slaves as Raw[]).map((slave) => ({
        station: `${raw.id}-${slave.unitId}`,
        ...slave,
        registers: (slave.registers as Raw[]).map((r) => ({
          table: "holding",
          type: "uint16",
          wordOrder: "big",
          scale: 1,
          offset: 0,
          ...r,
        })),
      }));
      return {
        ...base,
        ...framing,
        baudRate: 9600,
        intervalMs: 60_000,
        timeoutMs: 1000,
        kind: "water",
        ...raw,
        slaves,
      } as ModbusAdapterConfig;
    }
  }
}

/** Checks the schema cannot express: unique ids, a line format for sensor lines, csv columns. */
export function adapterConfigProblems(adapters: readonly AdapterConfig[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  adapters.forEach((a, i) => {
    if (seen.has(a.id)) problems.push(`adapters.${i}.id "${a.id}" is used twice`);
    seen.add(a.id);
    if (a.type === "modbus-rtu") return;
    if (a.format === "sensor-lines") {
      if (!a.lines) problems.push(`adapters.${i}.lines is required for format sensor-lines`);
      else if (a.lines.style === "csv" && !a.lines.columns) problems.push(`adapters.${i}.lines.columns is required for csv lines`);
    } else if (a.lines) {
      problems.push(`adapters.${i}.lines is only for format sensor-lines`);
    }
  });
  return problems;
}
