// The latest trusted fix of every vessel, in a grid of about 1 km cells, so that "which vessels are
// within 500 m of here" looks at a few cells rather than the whole fleet.
import { getDistance } from "geolib";
import type { FleetFix, FleetView } from "./rules/vessel-rule.js";

const CELL_DEG = 0.01; // ≈ 1.1 km of latitude

const cellOf = (lat: number, lon: number) => `${Math.floor(lat / CELL_DEG)}:${Math.floor(lon / CELL_DEG)}`;

export class FleetPositions implements FleetView {
  private readonly latest = new Map<string, FleetFix & { cell: string }>();
  private readonly cells = new Map<string, Set<string>>();

  update(fix: FleetFix): void {
    const previous = this.latest.get(fix.vessel);
    const cell = cellOf(fix.lat, fix.lon);
    if (previous && previous.cell !== cell) this.cells.get(previous.cell)?.delete(fix.vessel);
    this.latest.set(fix.vessel, { ...fix, cell });
    let members = this.cells.get(cell);
    if (!members) {
      members = new Set();
      this.cells.set(cell, members);
    }
    members.add(fix.vessel);
  }

  forget(vessel: string): void {
    const previous = this.latest.get(vessel);
    if (!previous) return;
    this.latest.delete(vessel);
    const members = this.cells.get(previous.cell);
    members?.delete(vessel);
    if (members?.size === 0) this.cells.delete(previous.cell);
  }

  get(vessel: string): FleetFix | undefined {
    return this.latest.get(vessel);
  }

  near(lat: number, lon: number, radiusM: number, sinceMs: number, except: string): FleetFix[] {
    const reach = Math.ceil(radiusM / 1000 / (CELL_DEG * 111) / Math.max(0.2, Math.cos((lat * Math.PI) / 180))) + 1;
    const row = Math.floor(lat / CELL_DEG);
    const col = Math.floor(lon / CELL_DEG);
    const found: FleetFix[] = [];
    for (let r = row - reach; r <= row + reach; r++) {
      for (let c = col - reach; c <= col + reach; c++) {
        for (const vessel of this.cells.get(`${r}:${c}`) ?? []) {
          if (vessel === except) continue;
          const fix = this.latest.get(vessel);
          if (!fix || fix.timeMs < sinceMs) continue;
          if (getDistance({ latitude: lat, longitude: lon }, { latitude: fix.lat, longitude: fix.lon }, 1) <= radiusM) found.push(fix);
        }
      }
    }
    return found;
  }
}
