// Grid-accelerated point-in-polygon: the polygon's bounding box is cut into N × N cells, and each cell
// that no edge touches is classified once, by its centre, as wholly inside or wholly outside (no edge
// crosses it, so every point of it is on the centre's side). A point in such a cell is answered from
// the grid; only points in cells an edge passes through get the exact test (point-in-polygon-hao,
// robust predicates, a point on an edge counts as inside). An edge "touches" every cell its bounding
// box overlaps — a conservative choice that can only send more points to the exact test, never give a
// wrong answer.
import pointInPolygon from "point-in-polygon-hao";
import type { Position } from "geojson";

const OUTSIDE = 0;
const INSIDE = 1;
const EDGE = 2;

export class PolygonGrid {
  private readonly cells: Uint8Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cellW: number;
  private readonly cellH: number;

  constructor(
    private readonly rings: Position[][],
    bbox: readonly [number, number, number, number],
    private readonly n = 16,
  ) {
    [this.minX, this.minY] = bbox;
    this.cellW = (bbox[2] - bbox[0]) / n || Number.MIN_VALUE;
    this.cellH = (bbox[3] - bbox[1]) / n || Number.MIN_VALUE;
    this.cells = new Uint8Array(n * n);
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as [number, number];
        const [x2, y2] = ring[i + 1] as [number, number];
        // A margin of a millionth of a cell each way: floating-point cell boundaries never hide an edge.
        const ex = this.cellW * 1e-6;
        const ey = this.cellH * 1e-6;
        const c0 = this.col(Math.min(x1, x2) - ex);
        const c1 = this.col(Math.max(x1, x2) + ex);
        const r0 = this.row(Math.min(y1, y2) - ey);
        const r1 = this.row(Math.max(y1, y2) + ey);
        for (let r = Math.max(0, r0); r <= Math.min(n - 1, r1); r++) {
          for (let c = Math.max(0, c0); c <= Math.min(n - 1, c1); c++) this.cells[r * n + c] = EDGE;
        }
      }
    }
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (this.cells[r * n + c] === EDGE) continue;
        const centre = [this.minX + (c + 0.5) * this.cellW, this.minY + (r + 0.5) * this.cellH];
        this.cells[r * n + c] = pointInPolygon(centre, rings) === false ? OUTSIDE : INSIDE;
      }
    }
  }

  private col(x: number): number {
    return Math.floor((x - this.minX) / this.cellW);
  }

  private row(y: number): number {
    return Math.floor((y - this.minY) / this.cellH);
  }

  /** Whether the point is inside or on the edge of the polygon (the caller has checked the bounding box). */
  contains(x: number, y: number): boolean {
    const c = this.col(x);
    const r = this.row(y);
    if (c >= 0 && c < this.n && r >= 0 && r < this.n) {
      const cell = this.cells[r * this.n + c];
      if (cell === INSIDE) return true;
      if (cell === OUTSIDE) return false;
    }
    return pointInPolygon([x, y], this.rings) !== false;
  }
}
