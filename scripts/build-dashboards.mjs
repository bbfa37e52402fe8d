// `npm run dashboards`: writes dashboards/grafana/<Folder>/<uid>.json from dashboards/boards/*.ts (after `npm run build`).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { renderedFiles } from "../dist/dashboards/build-dashboards.js";

for (const [file, text] of renderedFiles()) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {}
  if (current === text) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
