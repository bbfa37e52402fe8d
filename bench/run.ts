// `npm run bench [-- --quick]`: runs every benchmark, prints one JSON line per figure
// ({name, unit, value, peer, peer_value, ratio}) and writes them all to bench/results/latest.json.
// Loopback only; every load is bounded in count and time.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { packageRoot } from "../hub/package-root.js";
import { aisDecode } from "./ais-decode.js";
import { alertRules } from "./alert-rules.js";
import { brokerFanIn } from "./broker-fan-in.js";
import { externalWorkers } from "./external-workers.js";
import { ingestEndToEnd } from "./ingest-e2e.js";
import { loginStorm } from "./login-storm.js";
import { zonesCheck } from "./zones-check.js";
import { type BenchCredentials, prepareRegistry } from "./support/processes.js";
import type { BenchResult } from "./support/result.js";

export interface BenchContext {
  quick: boolean;
  workDir: string;
  registryDir: string;
  credentials: BenchCredentials;
  log: (line: string) => void;
}

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const workDir = join(tmpdir(), `ioc-bench-${process.pid}`);
mkdirSync(workDir, { recursive: true });
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
try {
  const registryDir = join(workDir, "registry");
  const credentials = await prepareRegistry(registryDir, 100);
  const ctx: BenchContext = { quick: values.quick ?? false, workDir, registryDir, credentials, log };
  const results: BenchResult[] = [];
  const emit = (r: BenchResult) => {
    results.push(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
  };
  log("AIS decoding (shared corpus)");
  (await aisDecode(ctx)).forEach(emit);
  log("zones check (1,000 zones)");
  (await zonesCheck(ctx)).forEach(emit);
  log("sensor rules and alert fan-out");
  (await alertRules(ctx)).forEach(emit);
  log("broker fan-in (100 publishers → 1 subscriber, 64-byte payloads)");
  const fanIn = await brokerFanIn(ctx);
  fanIn.results.forEach(emit);
  log("ingest during a login storm");
  (await loginStorm(ctx)).forEach(emit);
  log("end-to-end ingest (MQTT → InfluxDB)");
  (await ingestEndToEnd(ctx, fanIn.bareAedesQos1)).forEach(emit);
  log("scale-out: 1 vs 2 ingest workers behind mosquitto (shared subscriptions)");
  (await externalWorkers(ctx)).forEach(emit);
  const out = join(packageRoot, "bench", "results");
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, "latest.json"),
    `${JSON.stringify({ at: new Date().toISOString(), quick: ctx.quick, cpus: cpus().length, node: process.version, seconds: Math.round((Date.now() - started) / 1000), results }, null, 2)}\n`,
  );
  log(`done in ${Math.round((Date.now() - started) / 1000)} s; bench/results/latest.json written`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
