// The grid must give exactly the answers of the exact test it short-cuts: random points, points on
// and next to every edge and vertex, a polygon with a hole, and a thin sliver.
import type { Position } from "geojson";
import pointInPolygon from "point-in-polygon-hao";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../simulators/seeded-random.js";
import { PolygonGrid } from "./polygon-grid.js";

function bboxOf(rings: Position[][]): [number, number, number, number] {
  const xs = (rings[0] as Position[]).map((p) => p[0] as number);
  const ys = (rings[0] as Position[]).map((p) => p[1] as number);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

const circle = (cx: number, cy: number, r: number, n: number, clockwise = false): Position[] => {
  const ring = Array.from({ length: n }, (_, k) => {
    const a = ((clockwise ? -1 : 1) * 2 * Math.PI * k) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  });
  ring.push(ring[0] as Position);
  return ring;
};

const shapes: [string, Position[][]][] = [
  ["a 64-gon", [circle(107.5, 16.5, 0.05, 64)]],
  ["a 64-gon with a hole", [circle(107.5, 16.5, 0.05, 64), circle(107.5, 16.5, 0.02, 32, true)]],
  [
    "a thin sliver",
    [
      [
        [107.0, 16.0],
        [108.0, 16.0001],
        [107.0, 16.0002],
        [107.0, 16.0],
      ],
    ],
  ],
];

describe("polygon grid", () => {
  it.each(shapes)("agrees with the exact test on %s", (_, rings) => {
    const bbox = bboxOf(rings);
    const grid = new PolygonGrid(rings, bbox, 32);
    const random = seededRandom(3);
    const exact = (x: number, y: number) => pointInPolygon([x, y], rings) !== false;
    const points: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) points.push([bbox[0] + random() * (bbox[2] - bbox[0]), bbox[1] + random() * (bbox[3] - bbox[1])]);
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i] as [number, number];
        const [x2, y2] = ring[i + 1] as [number, number];
        points.push([x1, y1], [(x1 + x2) / 2, (y1 + y2) / 2], [(x1 + x2) / 2 + 1e-9, (y1 + y2) / 2], [(x1 + x2) / 2, (y1 + y2) / 2 - 1e-9]);
      }
    }
    let inside = 0;
    for (const [x, y] of points) {
      expect(grid.contains(x, y), `${x}, ${y}`).toBe(exact(x, y));
      if (exact(x, y)) inside++;
    }
    expect(inside).toBeGreaterThan(0);
  });
});
