// The hue-coast fleet: vessels registered in the province sail out of their home ports, transit to a
// fishing ground in the zone their size class may fish in, fish (slow, turning tracks), and return;
// a few misbehave on the scenario's schedule. Everything is drawn from one seeded generator, so a seed
// gives the same fleet, tracks and reports every time. Positions are on water (the land polygon),
// normal vessels keep out of the protected area and away from the boundary line, and every track stays
// within the speed envelope. The answer key lists the alerts the misbehaviour must raise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { computeDestinationPoint, getDistance, getGreatCircleBearing } from "geolib";
import { Land } from "../geofence/land.js";
import { loadZones } from "../geofence/zone-files.js";
import { ZoneIndex } from "../geofence/zone-index.js";
import { packageRoot } from "../hub/package-root.js";
import { seededRandom } from "./seeded-random.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const KN_TO_MS = 1852 / 3600;

export interface FleetConfig {
  province: string;
  mid: number;
  ports: { id: string; name: string; zone: string; berth: [number, number]; exit: [number, number] }[];
  classes: { name: string; count: number; lengthM: [number, number]; zone: string; ais: "A" | "B" | null; vms: boolean }[];
  receivers: string[];
  vmsGateway: string;
  transitKn: [number, number];
  fishingKn: [number, number];
  fishingHours: [number, number];
  misbehaviour: Misbehaviour[];
}

export interface Misbehaviour {
  kind: "mpa-intrusion" | "wrong-zone" | "go-dark" | "position-jump" | "boundary-approach";
  class: string;
  index: number;
  zone?: string;
  afterHours?: number;
  jumpNm?: number;
  withinNm?: number;
  /** Rules that must raise an alert for this vessel (and no other vessel). */
  rules: string[];
}

export interface SimVessel {
  id: string;
  name: string;
  lengthM: number;
  beamM: number;
  mmsi: number;
  callsign: string;
  ais: "A" | "B" | null;
  vmsDeviceId?: string;
  /** The home port's id in the scenario, and its name as the register writes it. */
  homePort: string;
  homePortName: string;
  className: string;
  misbehaviour?: Misbehaviour["kind"];
}

export interface Fix {
  vessel: string;
  timeMs: number;
  lat: number;
  lon: number;
  sogKn: number;
  cogDeg: number;
  navStatus: number;
  /** A spoofed fix (the position-jump misbehaviour): not where the vessel is. */
  spoofed?: boolean;
}

export interface FleetRun {
  vessels: SimVessel[];
  /** Every fix of every vessel, in time order (what the vessel would report if it reported every step). */
  fixes: Fix[];
  /** Times from which a vessel reports nothing (go-dark). */
  darkFromMs: Map<string, number>;
  answerKey: { rule: string; subject: string; kind: string }[];
}

export function loadFleetConfig(file = join(packageRoot, "simulators", "scenarios", "hue-coast.json")): FleetConfig {
  return JSON.parse(readFileSync(file, "utf8")) as FleetConfig;
}

const NAMES = [
  "Phú Thuận",
  "Thuận An",
  "Hải Dương",
  "Vinh Hiền",
  "Phú Diên",
  "Lộc Bình",
  "Vinh Thanh",
  "Quảng Công",
  "Hòa Duân",
  "Tư Hiền",
  "Lăng Cô",
  "Phú Hải",
  "Hương Phong",
  "Vinh Mỹ",
  "Phong Hải",
  "Điền Hòa",
];

/** The places a step of `metres` along `bearing` leads to, on a sphere (geolib). */
function move(lat: number, lon: number, metres: number, bearing: number): [number, number] {
  const p = computeDestinationPoint({ latitude: lat, longitude: lon }, metres, bearing);
  return [p.latitude, p.longitude];
}

export class FleetScenario {
  readonly zones = new ZoneIndex(loadZones(join(packageRoot, "zones")));
  readonly land = Land.fromFile(join(packageRoot, "geofence", "land", "hue-land.geojson"), () => this.zones);

  constructor(
    readonly config: FleetConfig,
    readonly seed: number,
  ) {}

  private zoneIds(lat: number, lon: number): string[] {
    return this.zones.containing(lat, lon);
  }

  /** Water a normal vessel may be on: not land, not the protected area, well away from the boundary. */
  private lawfulWater(lat: number, lon: number, allowMpa = false, boundaryNm = 8): boolean {
    if (this.land.onLand(lat, lon) || this.land.distanceToShoreNm(lat, lon) < 0.3) return false;
    if (!allowMpa && this.zoneIds(lat, lon).includes("mpa-haivan-soncha")) return false;
    return (this.zones.nearestBoundaryNm(lat, lon) ?? Number.POSITIVE_INFINITY) >= boundaryNm;
  }

  /** A straight leg is usable when every 500 m of it is lawful water. */
  private legClear(a: [number, number], b: [number, number], allowMpa: boolean, boundaryNm: number): boolean {
    const distance = getDistance({ latitude: a[0], longitude: a[1] }, { latitude: b[0], longitude: b[1] });
    const steps = Math.max(1, Math.ceil(distance / 500));
    for (let i = 1; i < steps; i++) {
      const t = i / steps;
      if (!this.lawfulWater(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, allowMpa, boundaryNm)) return false;
    }
    return true;
  }

  /** A clear route from `from` to `to`: straight, or through one offshore waypoint (around a headland). */
  private route(from: [number, number], to: [number, number], allowMpa: boolean, boundaryNm: number): [number, number][] | undefined {
    if (this.legClear(from, to, allowMpa, boundaryNm)) return [to];
    const bearing = getGreatCircleBearing({ latitude: from[0], longitude: from[1] }, { latitude: to[0], longitude: to[1] });
    const middle: [number, number] = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2];
    for (const km of [4, 8, 12, 16, 24]) {
      for (const side of [90, -90]) {
        const wp = move(middle[0], middle[1], km * 1000, (bearing + side + 360) % 360);
        if (
          this.lawfulWater(wp[0], wp[1], allowMpa, boundaryNm) &&
          this.legClear(from, wp, allowMpa, boundaryNm) &&
          this.legClear(wp, to, allowMpa, boundaryNm)
        )
          return [wp, to];
      }
    }
    return undefined;
  }

  /** A point of the zone that is lawful water, and a clear route to it from the port's exit. */
  private ground(
    random: () => number,
    zone: string,
    from: [number, number],
    opts: { allowMpa?: boolean; boundaryNm?: number; near?: [number, number] } = {},
  ): [number, number][] {
    const z = this.zones.zones.find((x) => x.id === zone);
    if (!z) throw new Error(`no zone ${zone}`);
    const [minX, minY, maxX, maxY] = z.bbox;
    const boundaryNm = opts.boundaryNm ?? 8;
    for (let attempt = 0; attempt < 5000; attempt++) {
      const p: [number, number] = opts.near
        ? [opts.near[0] + (random() - 0.5) * 0.01, opts.near[1] + (random() - 0.5) * 0.01]
        : [minY + random() * (maxY - minY), minX + random() * (maxX - minX)];
      // Not too far out: a ground within 45 km of the port's exit, like a day-fishing vessel's.
      if (!opts.near && getDistance({ latitude: from[0], longitude: from[1] }, { latitude: p[0], longitude: p[1] }) > 45_000) continue;
      if (!this.zoneIds(p[0], p[1]).includes(zone) || !this.lawfulWater(p[0], p[1], opts.allowMpa, boundaryNm)) continue;
      const route = this.route(from, p, opts.allowMpa ?? false, boundaryNm);
      if (route) return route;
    }
    throw new Error(`no reachable fishing ground in ${zone} (seed ${this.seed})`);
  }

  private nearestPort(zone: string): FleetConfig["ports"][number] {
    const z = this.zones.zones.find((x) => x.id === zone);
    if (!z) throw new Error(`no zone ${zone}`);
    const centre = { latitude: (z.bbox[1] + z.bbox[3]) / 2, longitude: (z.bbox[0] + z.bbox[2]) / 2 };
    const by = (p: FleetConfig["ports"][number]) => getDistance({ latitude: p.exit[0], longitude: p.exit[1] }, centre);
    return [...this.config.ports].sort((a, b) => by(a) - by(b))[0] as FleetConfig["ports"][number];
  }

  /** Whether a vessel of this length may fish at the point (the fishing zones' `fishing_permitted_for`). */
  private mayFish(lengthM: number, lat: number, lon: number): boolean {
    return this.zones
      .containingZones(lat, lon)
      .filter((z) => z.kind === "fishing-zone")
      .every((z) => {
        const rule = z.properties.fishing_permitted_for as { min_length_m?: number; max_length_m_exclusive?: number } | undefined;
        return !rule || (lengthM >= (rule.min_length_m ?? 0) && lengthM < (rule.max_length_m_exclusive ?? Number.POSITIVE_INFINITY));
      });
  }

  run(options: { startMs: number; durationH: number; stepS: number }): FleetRun {
    const random = seededRandom(this.seed);
    const cfg = this.config;
    const vessels: SimVessel[] = [];
    let serial = 90001;
    for (const cls of cfg.classes) {
      for (let i = 0; i < cls.count; i++) {
        const lengthM = Math.round((cls.lengthM[0] + random() * (cls.lengthM[1] - cls.lengthM[0])) * 10) / 10;
        const port = cfg.ports[Math.floor(random() * cfg.ports.length)] as FleetConfig["ports"][number];
        const number = serial++;
        const mis = cfg.misbehaviour.find((m) => m.class === cls.name && m.index === i);
        vessels.push({
          id: `${cfg.province}-${number}-TS`,
          name: `${cfg.province} ${number} ${NAMES[number % NAMES.length]}`,
          lengthM,
          beamM: Math.round(lengthM * 0.28 * 10) / 10,
          mmsi: cfg.mid * 1_000_000 + 100_000 + (number % 100_000),
          callsign: `XV${String.fromCharCode(65 + (number % 26))}${String.fromCharCode(65 + ((number >> 3) % 26))}${number % 10}`,
          ais: cls.ais,
          ...(cls.vms && { vmsDeviceId: `VMS-${number}` }),
          homePort: port.id,
          homePortName: port.name,
          className: cls.name,
          ...(mis && { misbehaviour: mis.kind }),
        });
      }
    }
    const fixes: Fix[] = [];
    const darkFromMs = new Map<string, number>();
    const endMs = options.startMs + options.durationH * HOUR;
    const stepMs = options.stepS * 1000;
    for (const vessel of vessels) {
      const vr = seededRandom((this.seed * 7919 + vessel.mmsi) >>> 0);
      const cls = cfg.classes.find((c) => c.name === vessel.className) as FleetConfig["classes"][number];
      const mis = cfg.misbehaviour.find((m) => m.kind === vessel.misbehaviour);
      // A vessel heading for the protected area sails from the port nearest to it.
      if (mis?.kind === "mpa-intrusion") {
        const nearest = this.nearestPort(mis.zone as string);
        vessel.homePort = nearest.id;
        vessel.homePortName = nearest.name;
      }
      const port = cfg.ports.find((p) => p.id === vessel.homePort) as FleetConfig["ports"][number];
      const transitKn = cfg.transitKn[0] + vr() * (cfg.transitKn[1] - cfg.transitKn[0]);
      // Where it fishes: its class's zone, unless its misbehaviour says otherwise.
      let zone = cls.zone;
      let groundOpts: { allowMpa?: boolean; boundaryNm?: number; near?: [number, number] } = {};
      if (mis?.kind === "mpa-intrusion" || mis?.kind === "wrong-zone") zone = mis.zone as string;
      if (mis?.kind === "mpa-intrusion") groundOpts = { allowMpa: true };
      if (mis?.kind === "boundary-approach") {
        // A ground just inside the offshore zone's edge on the boundary line, reached from the nearest port.
        groundOpts = { boundaryNm: 0, near: [17.8 - ((mis.withinNm ?? 0.5) * 1852) / 111_320, 108.3] };
      }
      const outbound = this.ground(vr, zone, port.exit, groundOpts);
      // Home the same way back: the waypoints reversed, then the exit.
      const inbound: [number, number][] = [...outbound.slice(0, -1).reverse(), port.exit];
      let leg = 0;
      const departMs = options.startMs + Math.floor(vr() * 60) * MIN;
      // The vessel that goes dark stays out (it is dark at sea, not home).
      const fishH = mis?.kind === "go-dark" ? options.durationH : cfg.fishingHours[0] + vr() * (cfg.fishingHours[1] - cfg.fishingHours[0]);
      let lat = port.berth[0];
      let lon = port.berth[1];
      let phase: "moored" | "out-exit" | "out" | "fishing" | "in-exit" | "in" | "home" = "moored";
      let fishUntil = 0;
      let heading = vr() * 360;
      for (let t = options.startMs; t <= endMs; t += stepMs) {
        let sog = 0;
        let target: [number, number] | undefined;
        if (phase === "moored" && t >= departMs) phase = "out-exit";
        if (phase === "out-exit") target = port.exit;
        else if (phase === "out") target = outbound[leg];
        else if (phase === "in-exit") target = inbound[leg];
        else if (phase === "in") target = port.berth;
        if (target) {
          sog = transitKn * (phase === "out-exit" || phase === "in" ? 0.6 : 1);
          const distance = getDistance({ latitude: lat, longitude: lon }, { latitude: target[0], longitude: target[1] }, 0.1);
          const stepM = sog * KN_TO_MS * options.stepS;
          heading = getGreatCircleBearing({ latitude: lat, longitude: lon }, { latitude: target[0], longitude: target[1] });
          if (distance <= stepM) {
            [lat, lon] = target;
            const route = phase === "out" ? outbound : phase === "in-exit" ? inbound : undefined;
            if (route && leg + 1 < route.length) {
              leg++;
            } else {
              leg = 0;
              phase = phase === "out-exit" ? "out" : phase === "out" ? "fishing" : phase === "in-exit" ? "in" : "home";
              if (phase === "fishing") fishUntil = t + fishH * HOUR;
            }
          } else {
            [lat, lon] = move(lat, lon, stepM, heading);
          }
        } else if (phase === "fishing") {
          // Slow, turning: a new heading within ±40° each step, kept inside the zone and on lawful water.
          sog = cfg.fishingKn[0] + vr() * (cfg.fishingKn[1] - cfg.fishingKn[0]);
          const stepM = sog * KN_TO_MS * options.stepS;
          for (let tries = 0; tries < 12; tries++) {
            const h = (heading + (vr() - 0.5) * (tries < 6 ? 80 : 360) + 360) % 360;
            const [nlat, nlon] = move(lat, lon, stepM, h);
            const inZone = this.zoneIds(nlat, nlon).includes(zone);
            const boundaryOk = mis?.kind === "boundary-approach" || (this.zones.nearestBoundaryNm(nlat, nlon) ?? 99) >= 6;
            if (
              inZone &&
              boundaryOk &&
              !this.land.onLand(nlat, nlon) &&
              (mis?.kind === "mpa-intrusion" || !this.zoneIds(nlat, nlon).includes("mpa-haivan-soncha"))
            ) {
              [lat, lon] = [nlat, nlon];
              heading = h;
              break;
            }
          }
          if (t >= fishUntil) phase = "in-exit";
        }
        fixes.push({
          vessel: vessel.id,
          timeMs: t,
          lat: Math.round(lat * 1e6) / 1e6,
          lon: Math.round(lon * 1e6) / 1e6,
          sogKn: Math.round(sog * 10) / 10,
          cogDeg: (Math.round(heading * 10) / 10) % 360,
          navStatus: phase === "fishing" ? 7 : sog > 0 ? 0 : 5,
        });
      }
      if (mis?.kind === "go-dark") darkFromMs.set(vessel.id, endMs - 7 * HOUR);
      if (mis?.kind === "position-jump") {
        // One spoofed fix, `jumpNm` out to sea (east) of where the vessel really is, an hour into fishing.
        const own = fixes.filter((f) => f.vessel === vessel.id && f.navStatus === 7);
        const real = own[Math.floor(own.length / 2)];
        if (real) {
          const [slat, slon] = move(real.lat, real.lon, (mis.jumpNm ?? 50) * 1852, 70);
          fixes.push({
            ...real,
            timeMs: real.timeMs + Math.floor(stepMs / 2),
            lat: Math.round(slat * 1e6) / 1e6,
            lon: Math.round(slon * 1e6) / 1e6,
            spoofed: true,
          });
        }
      }
    }
    fixes.sort((a, b) => a.timeMs - b.timeMs || a.vessel.localeCompare(b.vessel));
    const answerKey = vessels.flatMap((v) => {
      const mis = cfg.misbehaviour.find((m) => m.kind === v.misbehaviour);
      if (!mis) return [];
      const rules = new Set(mis.rules);
      // A protected area inside a fishing zone the vessel's class may not fish in: fishing there is both.
      const fishing = fixes.filter((f) => f.vessel === v.id && f.navStatus === 7 && !f.spoofed);
      if (fishing.some((f) => !this.mayFish(v.lengthM, f.lat, f.lon))) rules.add("zone-by-class");
      return [...rules].map((rule) => ({ rule, subject: v.id, kind: mis.kind }));
    });
    return { vessels, fixes, darkFromMs, answerKey };
  }
}
