// Table tests for the vessel rules, on hand-made tracks around a square protected area.
import { describe, expect, it } from "vitest";
import type { AlertTransition } from "../../alerts/alert-transition.js";
import type { VesselPosition } from "../../ingest/observation.js";
import { VesselRuleEngine } from "../rule-engine.js";
import { testBox } from "../../test/support/test-box.js";
import { zoneFromFeature } from "../zone.js";
import { ZoneIndex } from "../zone-index.js";
import { boundaryApproach } from "./boundary-approach.js";
import { mpaIntrusion } from "./mpa-intrusion.js";
import { positionJump } from "./position-jump.js";
import { zoneByClass } from "./zone-by-class.js";
import { overspeed } from "./overspeed.js";
import { portEvents } from "./port-events.js";

const mpa = zoneFromFeature(testBox({ id: "mpa-test", name: "Test MPA", kind: "mpa" }));
const zones = new ZoneIndex([mpa]);
const T0 = Date.parse("2026-11-23T00:00:00Z");
const MIN = 60_000;

/** A track of [minutes, lat, lon, sog?] fixes. */
function track(fixes: [number, number, number, number?][]): VesselPosition[] {
  return fixes.map(([m, lat, lon, sog]) => ({
    type: "vessel_position",
    vessel: "TTH-90123-TS",
    source: "ais",
    timeMs: T0 + m * MIN,
    lat,
    lon,
    ...(sog !== undefined && { sogKn: sog }),
  }));
}

function run(
  rule: typeof mpaIntrusion | typeof positionJump | typeof boundaryApproach,
  positions: VesselPosition[],
  index = zones,
): AlertTransition[] {
  let state = rule.initial() as never;
  const out: AlertTransition[] = [];
  for (const p of positions) {
    const r = rule.step(rule.defaults as never, state, p, { zones: index });
    state = r.state as never;
    out.push(...r.transitions);
  }
  return out;
}

describe("mpa-intrusion", () => {
  it.each([
    [
      "a vessel passing well outside",
      track([
        [0, 16.4, 107.95, 8],
        [5, 16.45, 107.95, 8],
        [10, 16.49, 107.95, 8],
      ]),
      [],
    ],
    [
      "a vessel zig-zagging across the edge every fix: no alert",
      track([
        [0, 16.499, 107.95, 6],
        [1, 16.501, 107.95, 6],
        [2, 16.499, 107.95, 6],
        [3, 16.501, 107.95, 6],
        [4, 16.499, 107.95, 6],
        [5, 16.501, 107.95, 6],
      ]),
      [],
    ],
    [
      "zig-zagging across the edge on the way in and on the way out at transit speed: one raise, one clear, not twenty",
      track([
        [0, 16.499, 107.95, 6],
        [1, 16.501, 107.95, 6],
        [2, 16.499, 107.95, 6],
        [3, 16.501, 107.95, 6],
        [4, 16.502, 107.95, 6],
        [5, 16.51, 107.95, 6],
        [6, 16.502, 107.95, 6],
        [7, 16.499, 107.95, 6],
        [8, 16.501, 107.95, 6],
        [9, 16.499, 107.95, 6],
        [10, 16.498, 107.95, 6],
      ]),
      ["raised:warning", "cleared:info"],
    ],
    [
      "a vessel that enters, transits and leaves: one raise, one clear",
      track([
        [0, 16.45, 107.95, 8],
        [5, 16.51, 107.95, 8],
        [10, 16.55, 107.95, 8],
        [15, 16.59, 107.95, 8],
        [20, 16.65, 107.95, 8],
        [25, 16.7, 107.95, 8],
      ]),
      ["raised:warning", "cleared:info"],
    ],
    [
      "a vessel that enters and fishes: raised, then escalated at fishing speed",
      track([
        [0, 16.51, 107.95, 8],
        [5, 16.52, 107.95, 8],
        [10, 16.53, 107.95, 2.5],
      ]),
      ["raised:warning", "escalated:critical"],
    ],
    [
      "a vessel that stays inside at transit speed: escalated after 30 min",
      track([
        [0, 16.51, 107.95, 6],
        [10, 16.52, 107.95, 6],
        [25, 16.53, 107.95, 6],
        [45, 16.54, 107.95, 6],
      ]),
      ["raised:warning", "escalated:critical"],
    ],
    [
      "a fix exactly on a vertex counts as inside",
      track([
        [0, 16.5, 107.9, 6],
        [1, 16.5, 107.9, 6],
      ]),
      ["raised:warning"],
    ],
  ])("%s", (_name, positions, expected) => {
    expect(run(mpaIntrusion, positions).map((t) => `${t.state}:${t.severity}`)).toEqual(expected);
  });

  it("names the zone and the vessel", () => {
    const [raised] = run(
      mpaIntrusion,
      track([
        [0, 16.51, 107.95, 8],
        [5, 16.52, 107.95, 8],
      ]),
    );
    expect(raised).toMatchObject({
      rule: "mpa-intrusion",
      domain: "fisheries",
      subject: "TTH-90123-TS",
      zone: "mpa-test",
      message: "entered the protected area Test MPA",
      // The fix inside, as reported: what an officer checks the alert against.
      evidence: [{ vessel: "TTH-90123-TS", time: "2026-11-23T00:05:00.000Z", lat: 16.52, lon: 107.95, sogKn: 8, source: "ais" }],
    });
  });
});

describe("position-jump", () => {
  it.each([
    [
      "a vessel at 10 kn",
      track([
        [0, 16.0, 108.0],
        [6, 16.0167, 108.0],
      ]),
      [],
    ],
    [
      "a 300 kn jump",
      track([
        [0, 16.0, 108.0],
        [1, 16.0833, 108.0],
      ]),
      ["raised"],
    ],
    [
      "a fix back where it was after a jump is fine",
      track([
        [0, 16.0, 108.0],
        [1, 16.5, 108.0],
        [2, 16.0, 108.0],
      ]),
      ["raised"],
    ],
  ])("%s", (_name, positions, expected) => {
    expect(run(positionJump, positions).map((t) => t.state)).toEqual(expected);
  });

  it("reports the implied speed", () => {
    const [jump] = run(
      positionJump,
      track([
        [0, 16.0, 108.0],
        [1, 16.0833, 108.0],
      ]),
    );
    expect(jump?.value).toBeGreaterThan(290);
    expect(jump?.value).toBeLessThan(310);
  });

  it("keeps both ends of the jump as its evidence", () => {
    const [jump] = run(
      positionJump,
      track([
        [0, 16.0, 108.0, 9],
        [1, 16.0833, 108.0, 9.5],
      ]),
    );
    expect(jump?.evidence).toEqual([
      { vessel: "TTH-90123-TS", time: "2026-11-23T00:00:00.000Z", lat: 16.0, lon: 108.0, source: "ais" },
      { vessel: "TTH-90123-TS", time: "2026-11-23T00:01:00.000Z", lat: 16.0833, lon: 108.0, sogKn: 9.5, source: "ais" },
    ]);
  });
});

describe("boundary-approach", () => {
  // A boundary along the meridian 108.5° E; at 16.5° N one nautical mile of longitude is 1/(60 cos 16.5°) degrees.
  const line = zoneFromFeature({
    type: "Feature",
    properties: { id: "limit", kind: "boundary" },
    geometry: {
      type: "LineString",
      coordinates: [
        [108.5, 16],
        [108.5, 17],
      ],
    },
  });
  const withLine = new ZoneIndex([line]);
  const nm = 1 / (60 * Math.cos((16.5 * Math.PI) / 180));
  const at = (m: number, miles: number) => [m, 16.5, 108.5 - miles * nm] as [number, number, number];

  it.each([
    ["far away", [at(0, 10), at(10, 8)], []],
    [
      "approaching, then back off",
      [at(0, 10), at(10, 4), at(20, 0.8), at(30, 1.2), at(40, 2), at(50, 7)],
      ["raised:warning", "escalated:critical", "raised:warning", "cleared:info"],
    ],
    ["fishing along the 5 nm limit does not flap", [at(0, 4.9), at(10, 5.2), at(20, 4.95), at(30, 5.3), at(40, 4.9)], ["raised:warning"]],
    ["crossing the line", [at(0, 0.5), at(10, -0.5)], ["raised:critical", "raised:critical"]],
  ])("%s", (_name, fixes, expected) => {
    expect(run(boundaryApproach, track(fixes as [number, number, number][]), withLine).map((t) => `${t.state}:${t.severity}`)).toEqual(
      expected,
    );
  });

  it("says when the line was crossed", () => {
    const messages = run(boundaryApproach, track([at(0, 2), at(10, -2)]), withLine).map((t) => t.message);
    expect(messages).toEqual(["2.0 nm from the boundary", "crossed the boundary line"]);
  });
});

describe("zone-by-class", () => {
  // A coastal zone for vessels under 12 m (west of 108°) and an offshore zone for 15 m and more (east).
  const fishingZone = (id: string, west: number, permitted: Record<string, number>) =>
    zoneFromFeature({
      type: "Feature",
      properties: { id, name: id, kind: "fishing-zone", fishing_permitted_for: permitted },
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [west, 16],
            [west + 0.5, 16],
            [west + 0.5, 17],
            [west, 17],
            [west, 16],
          ],
        ],
      },
    });
  const classZones = new ZoneIndex([
    fishingZone("coastal", 107.5, { max_length_m_exclusive: 12 }),
    fishingZone("offshore", 108.0, { min_length_m: 15 }),
  ]);
  const runFor = (lengthM: number | undefined, positions: VesselPosition[]) => {
    let state = zoneByClass.initial();
    const out: AlertTransition[] = [];
    for (const p of positions) {
      const r = zoneByClass.step(zoneByClass.defaults, state, p, { zones: classZones, vesselLengthM: () => lengthM });
      state = r.state;
      out.push(...r.transitions);
    }
    return out.map((t) => `${t.state}:${t.zone}`);
  };

  it.each([
    [
      "a 16 m vessel fishing offshore",
      16,
      track([
        [0, 16.5, 108.2, 3],
        [10, 16.51, 108.2, 3],
        [20, 16.52, 108.2, 3],
      ]),
      [],
    ],
    [
      "a 16 m vessel fishing in the coastal zone",
      16,
      track([
        [0, 16.5, 107.7, 3],
        [10, 16.51, 107.7, 3],
        [20, 16.52, 107.7, 3],
      ]),
      ["raised:coastal"],
    ],
    [
      "a 16 m vessel transiting the coastal zone at 9 kn",
      16,
      track([
        [0, 16.5, 107.7, 9],
        [10, 16.55, 107.7, 9],
        [20, 16.6, 107.7, 9],
      ]),
      [],
    ],
    [
      "a 10 m vessel fishing offshore, then back in its own zone",
      10,
      track([
        [0, 16.5, 108.2, 2],
        [10, 16.5, 108.2, 2],
        [20, 16.5, 107.7, 2],
        [30, 16.5, 107.7, 2],
      ]),
      ["raised:offshore", "cleared:offshore"],
    ],
    [
      "one slow fix in the wrong zone is not enough",
      10,
      track([
        [0, 16.5, 108.2, 2],
        [10, 16.5, 108.2, 8],
      ]),
      [],
    ],
    [
      "an unregistered vessel: length unknown, no alert",
      undefined,
      track([
        [0, 16.5, 107.7, 3],
        [10, 16.51, 107.7, 3],
      ]),
      [],
    ],
  ])("%s", (_name, lengthM, positions, expected) => {
    expect(runFor(lengthM as number | undefined, positions)).toEqual(expected);
  });
});

describe("overspeed", () => {
  it.each([
    [
      "cruising at 9 kn",
      track([
        [0, 16, 108, 9],
        [5, 16, 108, 9],
      ]),
      [],
    ],
    [
      "one bad speed value",
      track([
        [0, 16, 108, 9],
        [5, 16, 108, 35],
        [10, 16, 108, 9],
      ]),
      [],
    ],
    [
      "racing, then slowing down",
      track([
        [0, 16, 108, 25],
        [5, 16, 108, 26],
        [10, 16, 108, 24],
        [15, 16, 108, 8],
        [20, 16, 108, 8],
      ]),
      ["raised", "cleared"],
    ],
  ])("%s", (_name, positions, expected) => {
    expect(run(overspeed as never, positions).map((t) => t.state)).toEqual(expected);
  });
});

describe("port-events", () => {
  // A port square of about 1.1 km; 1 km of latitude is 0.009°.
  const port = zoneFromFeature({
    type: "Feature",
    properties: { id: "port-a", name: "Port A", kind: "port" },
    geometry: {
      type: "Polygon",
      coordinates: [
        [
          [108.0, 16.0],
          [108.01, 16.0],
          [108.01, 16.01],
          [108.0, 16.01],
          [108.0, 16.0],
        ],
      ],
    },
  });
  const ports = new ZoneIndex([port]);
  it.each([
    [
      "arrives, anchors at the mouth, then leaves",
      track([
        [0, 16.005, 108.005],
        [10, 16.0145, 108.005],
        [20, 16.0195, 108.005],
        [30, 16.03, 108.005],
      ]),
      ["raised", "cleared"],
    ],
    [
      "stays outside",
      track([
        [0, 16.03, 108.005],
        [10, 16.04, 108.005],
      ]),
      [],
    ],
  ])("%s", (_name, positions, expected) => {
    expect(run(portEvents as never, positions, ports).map((t) => t.state)).toEqual(expected);
  });
});

describe("VesselRuleEngine", () => {
  it("does not let a flagged fix drive the other rules, and skips late fixes", () => {
    const emitted: AlertTransition[] = [];
    const engine = new VesselRuleEngine(
      () => zones,
      (t) => emitted.push(t),
    );
    // Two fixes that jump into the MPA (spoofed) must not raise an intrusion.
    for (const p of track([
      [0, 16.0, 107.95],
      [1, 16.55, 107.95],
      [2, 16.56, 107.95],
    ]))
      engine.observe(p);
    expect(emitted.map((t) => t.rule)).toEqual(["position-jump", "position-jump"]);
    engine.observe(track([[-5, 16.55, 107.95]])[0] as VesselPosition);
    expect(emitted).toHaveLength(2);
  });
});
