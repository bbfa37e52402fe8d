// The closed set of reasons a message (or one element of a batch) is refused. The same code is the
// metric label, the `reason` of the ioc/v1/errors/{deviceId} payload, the log field and the
// dead-letter record; docs/errors.md documents each one and a test keeps the two in sync.

export const rejectionReasons = {
  payload_not_utf8: "The payload is not valid UTF-8 text.",
  payload_too_large: "The MQTT packet is larger than mqtt.maxPacketBytes; the connection is closed.",
  json_invalid: "The payload is not valid JSON (NaN and Infinity are not JSON).",
  json_too_deep: "The JSON nests deeper than ingest.maxJsonDepth.",
  schema_violation: "The payload does not match the published JSON Schema; `path` and `schemaPath` say where.",
  batch_too_large: "A batch holds more readings than ingest.maxBatchReadings.",
  quantity_unknown: "A measured quantity is not in the hub's quantity list.",
  unit_invalid: "A unit is not one the hub accepts for that quantity.",
  value_not_finite: "A value is not a finite number (overflowing literals such as 1e400 become Infinity).",
  kind_mismatch: "The reading's kind (air/water) contradicts the device's registered kind or its quantities.",
  time_invalid: "The observation time cannot be read.",
  time_in_future: "The observation time is further ahead of the hub's clock than ingest.maxFutureMs.",
  time_too_old: "The observation time is older than ingest.maxPastMs.",
  publish_denied: "The topic is not one this device may publish to (see the topic contract); the message is acknowledged and dropped.",
  ais_sentence_invalid:
    "An AIS line could not be decoded; the message says which of the AIS decoder's reasons (docs/errors.md) and `path` which line.",
  vessel_id_invalid: "An AIS ship report whose MMSI is not 9 digits.",
  position_invalid: 'A position outside the Earth (and not the "not available" value).',
  naf_record_invalid: "A NAF record was refused; the message starts with the NAF reason (docs/errors.md) and `path` names the record.",
  line_invalid:
    "A sensor line from an adapter does not fit the adapter's line layout (column count, a value that is not a number, a missing station); `path` names the line.",
  line_too_long:
    "A line from a serial port or socket is longer than the adapter's maxLineBytes; it is dropped whole and its first bytes dead-lettered.",
  nmea_sentence_invalid:
    "An NMEA position sentence (RMC) could not be used: bad checksum, no fix, or a field that cannot be read; `path` names the line.",
  modbus_register_invalid:
    "A Modbus register block is shorter than the register map needs, or a value is the sensor's NaN; `path` names the register.",
  format_unsupported: "No decoder is registered yet for this topic's payload format.",
  rate_limited: "The device publishes faster than mqtt.publishRatePerSecond allows; the connection is closed.",
  spool_full: "The hub's spool is at spool.maxBytes; the message is not acknowledged and must be resent.",
  storage_unavailable:
    "The hub cannot write to its data directory (disk full, read-only, I/O error): the message is not acknowledged and must be resent; the hub takes data again as soon as it can write.",
  rules_unavailable:
    "The hub could not hand observations to the instance that runs their rules (the broker between instances is unreachable); the message is not acknowledged and must be resent.",
  influx_rejected: "InfluxDB refused the point (e.g. a field type conflict); the point is in the dead-letter log.",
  internal_error: "The hub failed while processing the message; it is logged and dead-lettered.",
} as const;

export type RejectionReason = keyof typeof rejectionReasons;

export interface Rejection {
  reason: RejectionReason;
  message: string;
  /** JSON pointer into the payload (ajv instancePath), or the batch element. */
  path?: string;
  /** JSON pointer into the schema (ajv schemaPath). */
  schemaPath?: string;
  /** Published schema name the payload was checked against. */
  schema?: string;
}

export function reject(reason: RejectionReason, message: string, extra: Omit<Rejection, "reason" | "message"> = {}): Rejection {
  return { reason, message, ...extra };
}
