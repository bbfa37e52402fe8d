// `npm run soak`: the long chaos soak (test/support/chaos-soak.ts) — by default 60 SIGKILLs, 4
// stations × 12,000 readings, InfluxDB stopped and started every few incarnations — printing the
// report. Exit code 1 if anything acknowledged is missing, wrong or duplicated, or an alert event
// is missing. Options: --kills N --stations N --readings N --seed N.
import { parseArgs } from "node:util";
import { runChaosSoak } from "../test/support/chaos-soak.js";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "60" },
    stations: { type: "string", default: "4" },
    readings: { type: "string", default: "12000" },
    seed: { type: "string", default: "1" },
  },
});
const report = await runChaosSoak({
  kills: Number(values.kills),
  stations: Number(values.stations),
  readingsPerStation: Number(values.readings),
  lifeMs: [300, 3000],
  seed: Number(values.seed),
  deadlineMs: 30 * 60_000,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
const clean =
  report.missing === 0 &&
  report.wrongValue === 0 &&
  report.extra === 0 &&
  report.alertEventsMissingInInflux === 0 &&
  report.openAlertsPerSubjectMax <= 1 &&
  report.acked === Number(values.stations) * Number(values.readings);
process.exitCode = clean ? 0 : 1;
