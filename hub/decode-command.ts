// `ioc-hub decode ais [file]`: NMEA in (a file, or stdin), one JSON object per decoded AIS message out
// (gpsd's field names and presentation, so vendors can compare with gpsdecode), one JSON error per
// bad line on stderr. Exits 0 unless the input cannot be read.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { AisStreamDecoder } from "../ingest/decoders/ais/ais-stream.js";
import { gpsdView } from "../ingest/decoders/ais/gpsd-view.js";

export async function decodeAis(
  input: Readable,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<{ messages: number; errors: number }> {
  const decoder = new AisStreamDecoder();
  let messages = 0;
  let errors = 0;
  let lineNo = 0;
  const writeError = (e: { line: number; reason: string; message: string }) => {
    errors++;
    err.write(`${JSON.stringify(e)}\n`);
  };
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    const result = decoder.push(line, lineNo, Date.now());
    for (const m of result.messages) {
      messages++;
      out.write(`${JSON.stringify({ class: "AIS", ...gpsdView(m.message) })}\n`);
    }
    result.errors.forEach(writeError);
  }
  decoder.end().forEach(writeError);
  // A last line of counts (by message type and by error reason), so nothing passes uncounted.
  err.write(
    `${JSON.stringify({ summary: { lines: lineNo, messages, errors, byType: Object.fromEntries(decoder.counts.messages), byReason: Object.fromEntries(decoder.counts.errors) } })}\n`,
  );
  return { messages, errors };
}

export async function runDecodeCommand(args: string[]): Promise<number> {
  const [format, file] = args;
  if (format !== "ais") {
    process.stderr.write(`ioc-hub: decode supports "ais" (got "${format ?? ""}")\n`);
    return 2;
  }
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  const input: Readable = file ? createReadStream(file, { encoding: "latin1" }) : process.stdin;
  try {
    await decodeAis(input, process.stdout, process.stderr);
    return 0;
  } catch (error) {
    process.stderr.write(`ioc-hub: cannot read ${file ?? "stdin"}: ${(error as Error).message}\n`);
    return 1;
  }
}
