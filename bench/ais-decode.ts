// AIS decode throughput on the shared corpus (sentences/s, decoding to objects), against gpsd's
// `gpsdecode -j` on the same file in the same run.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../hub/package-root.js";
import { AisStreamDecoder } from "../ingest/decoders/ais/ais-stream.js";
import type { BenchContext } from "./run.js";
import { type BenchResult, median, result } from "./support/result.js";

const corpus = join(packageRoot, "..", "shared", "corpus", "ais");

export async function aisDecode(ctx: BenchContext): Promise<BenchResult[]> {
  if (!existsSync(corpus)) {
    ctx.log("  ais decode: no shared/corpus/ais beside the repository; skipped");
    return [];
  }
  const text = readdirSync(corpus)
    .filter((f) => f.endsWith(".nmea") && f !== "bad-input.nmea")
    .map((f) => readFileSync(join(corpus, f), "latin1"))
    .join("\n");
  const copies = ctx.quick ? 10 : 40;
  const lines = Array.from({ length: copies }, () => text)
    .join("\n")
    .split("\n");
  const sentences = lines.filter((l) => /!\w{2}VD[MO],/.test(l)).length;
  const file = join(ctx.workDir, "ais-corpus.nmea");
  writeFileSync(file, `${lines.join("\n")}\n`, "latin1");
  const repeats = ctx.quick ? 3 : 5;
  const ours: number[] = [];
  const gpsd: number[] = [];
  let decoded = 0;
  for (let r = 0; r < repeats; r++) {
    const decoder = new AisStreamDecoder();
    const started = performance.now();
    const messages: unknown[] = [];
    for (let i = 0; i < lines.length; i++) for (const m of decoder.push(lines[i] as string, i + 1, 0).messages) messages.push(m.message);
    decoder.end();
    ours.push((sentences / (performance.now() - started)) * 1000);
    decoded = messages.length;
    const t = performance.now();
    const run = spawnSync("gpsdecode", ["-j"], { input: readFileSync(file), stdio: ["pipe", "ignore", "ignore"], maxBuffer: 1 << 30 });
    if (run.error) {
      ctx.log(`  ais decode: gpsdecode unavailable (${run.error.message}); install gpsd-clients`);
      return [];
    }
    gpsd.push((sentences / (performance.now() - t)) * 1000);
  }
  ctx.log(`  ais decode: ${Math.round(median(ours))} sentences/s (${decoded} messages) vs gpsdecode ${Math.round(median(gpsd))}`);
  return [
    result("ais-decode", "sentences/s", median(ours), "gpsdecode -j", median(gpsd), {
      target: "ratio >= 1.0",
      detail: { sentences, repeats },
    }),
  ];
}
