// `ioc-hub aqi --standard vn|us [--lang en|vi] [file]`: for each JSON line {"id", "pollutant", "avg",
// "value", "unit"} (stdin without a file) prints {"id", "aqi", "category"}, or aqi and category null
// with a reason when the standard defines no index for that input. A line that is not such an object
// gets a JSON error on stderr with its line number; the exit code is 0 unless the input cannot be read.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import {
  type AqiStandard,
  type AveragingPeriod,
  type Pollutant,
  aqiCategories,
  aqiStandards,
  averagingPeriods,
  categoryOf,
  pollutants,
  subIndex,
} from "../alerts/indices/air-quality-index.js";

const units = ["ug/m3", "µg/m3", "mg/m3", "ppm", "ppb"];

export async function printIndices(
  standard: AqiStandard,
  lang: "en" | "vi",
  input: Readable,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === "") continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
      if (typeof record !== "object" || record === null || Array.isArray(record)) throw new Error();
    } catch {
      err.write(`${JSON.stringify({ line, reason: "json_invalid", message: "not a JSON object" })}\n`);
      continue;
    }
    const { pollutant, avg, value, unit } = record;
    const problem = !pollutants.includes(pollutant as Pollutant)
      ? `pollutant must be one of ${pollutants.join(", ")}`
      : !averagingPeriods.includes(avg as AveragingPeriod)
        ? `avg must be one of ${averagingPeriods.join(", ")}`
        : typeof value !== "number"
          ? "value must be a number"
          : !units.includes(unit as string)
            ? `unit must be one of ${units.join(", ")}`
            : undefined;
    if (problem) {
      err.write(`${JSON.stringify({ line, id: record.id ?? null, reason: "input_invalid", message: problem })}\n`);
      continue;
    }
    const result = subIndex(standard, pollutant as Pollutant, avg as AveragingPeriod, value as number, unit as string);
    const id = record.id ?? null;
    out.write(
      `${JSON.stringify(
        result.ok
          ? { id, aqi: result.aqi, category: categoryOf(aqiCategories[standard], result.aqi)[lang] }
          : { id, aqi: null, category: null, reason: result.reason },
      )}\n`,
    );
  }
}

export async function runAqiCommand(args: string[], standard: string | undefined, lang: string | undefined): Promise<number> {
  if (!aqiStandards.includes(standard as AqiStandard)) {
    process.stderr.write(`ioc-hub: aqi needs --standard ${aqiStandards.join("|")}\n`);
    return 2;
  }
  if (lang !== undefined && lang !== "en" && lang !== "vi") {
    process.stderr.write("ioc-hub: --lang must be en or vi\n");
    return 2;
  }
  const [file] = args;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  try {
    await printIndices(
      standard as AqiStandard,
      lang ?? "en",
      file ? createReadStream(file) : process.stdin,
      process.stdout,
      process.stderr,
    );
  } catch (error) {
    process.stderr.write(`ioc-hub: cannot read ${file ?? "stdin"}: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}
