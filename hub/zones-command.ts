// `ioc-hub zones check --zones <file-or-dir> [positions.jsonl]`: for each JSON line {"id", "lat", "lon"}
// (stdin without a file) prints {"id", "zones": [...], "nearest_boundary_nm": n|null}. A bad line gets
// a JSON error on stderr with its line number; exits 0 unless the zones or the input cannot be read.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { ZoneIndex } from "../geofence/zone-index.js";
import { loadZones } from "../geofence/zone-files.js";

export async function checkPositions(
  index: ZoneIndex,
  input: Readable,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<void> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.trim() === "") continue;
    let p: { id?: unknown; lat?: unknown; lon?: unknown };
    try {
      p = JSON.parse(text) as typeof p;
    } catch {
      err.write(`${JSON.stringify({ line, reason: "json_invalid", message: "not a JSON object" })}\n`);
      continue;
    }
    const { lat, lon } = p;
    if (typeof lat !== "number" || typeof lon !== "number" || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      err.write(`${JSON.stringify({ line, reason: "position_invalid", message: "lat and lon must be WGS 84 degrees" })}\n`);
      continue;
    }
    const nearest = index.nearestBoundaryNm(lat, lon);
    out.write(
      `${JSON.stringify({ id: p.id ?? null, zones: index.containing(lat, lon), nearest_boundary_nm: nearest === null ? null : Math.round(nearest * 1000) / 1000 })}\n`,
    );
  }
}

export async function runZonesCommand(args: string[], zonesPath: string | undefined): Promise<number> {
  const [action, file] = args;
  if (action !== "check") {
    process.stderr.write(`ioc-hub: zones supports "check" (got "${action ?? ""}")\n`);
    return 2;
  }
  if (!zonesPath) {
    process.stderr.write("ioc-hub: zones check needs --zones <file-or-dir>\n");
    return 2;
  }
  let index: ZoneIndex;
  try {
    index = new ZoneIndex(loadZones(zonesPath));
  } catch (error) {
    process.stderr.write(`ioc-hub: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  try {
    await checkPositions(index, file ? createReadStream(file) : process.stdin, process.stdout, process.stderr);
    return 0;
  } catch (error) {
    process.stderr.write(`ioc-hub: cannot read ${file ?? "stdin"}: ${(error as Error).message}\n`);
    return 1;
  }
}
