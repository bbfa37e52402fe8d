// The provisioned dashboards, one folder per user group (Grafana's file provider turns folders into
// Grafana folders), rendered to the JSON files under dashboards/grafana/ (`npm run dashboards` writes
// them; a test fails when the committed files are stale).
import { join } from "node:path";
import { packageRoot } from "../hub/package-root.js";
import { alertsBoard } from "./boards/alerts.js";
import { environmentBoard } from "./boards/environment.js";
import { fleetBoard } from "./boards/fleet.js";
import { hubHealthBoard } from "./boards/hub-health.js";
import type { Dashboard } from "./dashboard-model.js";

/** Folder (Grafana folder) → dashboards. */
export const boards: Record<string, Dashboard[]> = {
  Fisheries: [fleetBoard],
  Environment: [environmentBoard],
  Operators: [alertsBoard],
  Operations: [hubHealthBoard],
};

export const dashboardsDir = join(packageRoot, "dashboards", "grafana");

export function renderedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [folder, list] of Object.entries(boards)) {
    for (const board of list) files.set(join(dashboardsDir, folder, `${board.uid}.json`), `${JSON.stringify(board, null, 2)}\n`);
  }
  return files;
}
