// Data loggers that print one reading per line, through a serial or network adapter. The line
// layout comes from the adapter's config (Envelope.options, schema-checked at start-up): CSV with
// named columns, or `key=value` pairs; `fields` maps column/key names to quantities and units.
// Empty lines, `#` comments and a repeated CSV header are skipped; columns and keys that are not
// mapped are ignored (loggers print battery, serial numbers, …); an empty mapped cell is a value
// the logger did not have. Lines without a time take the time of reception, 1 ms apart within one
// burst, so that two readings of a station that arrived together do not overwrite each other.
import { isUtf8 } from "node:buffer";
import { parse } from "csv-parse/sync";
import type { LineFormat } from "../../adapters/adapter-config.js";
import { ID_PATTERN } from "../../broker/topics.js";
import type { Observation } from "../observation.js";
import { type Rejection, reject } from "../rejection.js";
import { type ReadingEntry, buildSensorReading, scaled } from "../sensor-reading-builder.js";
import type { Decoder } from "./decoder.js";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function csvCells(line: string, layout: LineFormat): string[] {
  return (parse(line, { delimiter: layout.delimiter ?? ",", trim: true, relax_column_count: true }) as string[][])[0] ?? [];
}

function keyValues(line: string): Map<string, string> | string {
  const out = new Map<string, string>();
  for (const token of line.split(/[\s,;]+/)) {
    if (token === "") continue;
    const eq = token.indexOf("=");
    if (eq <= 0) return `"${token.slice(0, 40)}" is not key=value`;
    out.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return out;
}

function lineTime(raw: string): number {
  if (NUMBER.test(raw)) {
    const n = Number(raw);
    return n > 1e11 ? n : n * 1000; // Unix ms or s
  }
  return Date.parse(raw);
}

export const sensorLinesDecoder: Decoder = {
  name: "sensor-lines",
  decode(envelope, { limits }) {
    const layout = envelope.options as LineFormat | undefined;
    if (!layout) {
      return {
        observations: [],
        rejections: [reject("format_unsupported", "sensor lines come only through an adapter with a line layout")],
      };
    }
    if (!isUtf8(envelope.bytes)) return { observations: [], rejections: [reject("payload_not_utf8", "the lines are not valid UTF-8")] };
    const lines = envelope.bytes.toString("utf8").split(/\r?\n/);
    if (lines.length > limits.maxBatchReadings) {
      return {
        observations: [],
        rejections: [reject("batch_too_large", `${lines.length} lines in one message; at most ${limits.maxBatchReadings}`)],
      };
    }
    const header = layout.columns?.join(layout.delimiter ?? ",");
    const observations: Observation[] = [];
    const rejections: Rejection[] = [];
    let untimed = 0;
    lines.forEach((raw, index) => {
      const line = raw.trim();
      const path = `/line/${index + 1}`;
      if (line === "" || line.startsWith("#") || line.replace(/\s/g, "") === header?.replace(/\s/g, "")) return;
      let record: Map<string, string>;
      if (layout.style === "csv") {
        const columns = layout.columns ?? [];
        let cells: string[];
        try {
          cells = csvCells(line, layout);
        } catch (error) {
          rejections.push(reject("line_invalid", `not a CSV line: ${(error as Error).message}`, { path }));
          return;
        }
        if (cells.length !== columns.length) {
          rejections.push(reject("line_invalid", `${cells.length} columns; the layout has ${columns.length}`, { path }));
          return;
        }
        record = new Map(columns.map((name, i) => [name, cells[i] as string]));
      } else {
        const parsed = keyValues(line);
        if (typeof parsed === "string") {
          rejections.push(reject("line_invalid", parsed, { path }));
          return;
        }
        record = parsed;
      }
      const station = layout.stationField ? record.get(layout.stationField) : envelope.subjectId;
      if (!station || !ID_PATTERN.test(station)) {
        rejections.push(reject("line_invalid", `station "${station ?? ""}" is missing or not a valid id`, { path }));
        return;
      }
      const rawTime = layout.timeField ? record.get(layout.timeField) : undefined;
      const timed = rawTime !== undefined && rawTime !== "";
      const timeMs = timed ? lineTime(rawTime) : envelope.receivedAt + untimed;
      if (!Number.isFinite(timeMs)) {
        rejections.push(reject("time_invalid", `time "${(rawTime ?? "").slice(0, 40)}" cannot be read`, { path }));
        return;
      }
      const entries: ReadingEntry[] = [];
      for (const [field, mapping] of Object.entries(layout.fields)) {
        const text = record.get(field);
        if (text === undefined || text === "") continue;
        if (!NUMBER.test(text)) {
          rejections.push(reject("line_invalid", `${field} is "${text.slice(0, 40)}", not a number`, { path }));
          return;
        }
        const value = scaled(Number(text), mapping.scale, mapping.offset);
        entries.push({ name: mapping.quantity, value, unit: mapping.unit, path });
      }
      if (entries.length === 0) {
        rejections.push(reject("line_invalid", "no mapped value on the line", { path }));
        return;
      }
      if (!timed) untimed++;
      const built = buildSensorReading({ station, source: envelope.via, timeMs, deviceKind: envelope.deviceKind, path, entries });
      if ("rejection" in built) rejections.push(built.rejection);
      else observations.push(built.reading);
    });
    return { observations, rejections };
  },
};
