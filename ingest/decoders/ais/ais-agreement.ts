// Field-level agreement of decoded AIS messages with gpsd's reference output (the rules of
// shared/corpus/ais/README.md: messages aligned by order and (type, mmsi), per-type fields,
// tolerances). Used by the corpus test and reported by the benchmark.
import type { AisFields } from "./message-types.js";

const DIMS = ["to_bow", "to_stern", "to_port", "to_starboard"];
const COMPARED: Record<number, string[]> = {
  1: ["status", "turn", "speed", "accuracy", "lon", "lat", "course", "heading", "second"],
  4: ["timestamp", "accuracy", "lon", "lat", "epfd"],
  5: ["imo", "callsign", "shipname", "shiptype", ...DIMS, "destination", "draught"],
  6: ["dest_mmsi", "dac", "fid"],
  8: ["dac", "fid"],
  9: ["alt", "speed", "accuracy", "lon", "lat", "course", "second"],
  12: ["dest_mmsi", "text"],
  14: ["text"],
  18: ["speed", "accuracy", "lon", "lat", "course", "heading", "second"],
  19: ["speed", "accuracy", "lon", "lat", "course", "heading", "second", "shipname", "shiptype", ...DIMS],
  21: ["aid_type", "name", "accuracy", "lon", "lat", ...DIMS, "second", "off_position", "virtual_aid"],
  24: ["shipname", "shiptype", "callsign", "vendorid", ...DIMS],
  27: ["accuracy", "status", "lon", "lat", "speed", "course"],
};
COMPARED[2] = COMPARED[1] as string[];
COMPARED[3] = COMPARED[1] as string[];
COMPARED[11] = COMPARED[4] as string[];

const TOLERANCE: Record<string, number> = { lat: 1e-4, lon: 1e-4, speed: 0.05, course: 0.05, draught: 0.05, turn: 0.5 };
const NOT_AVAILABLE = new Set(["nan", "n/a", null, undefined]);

function same(field: string, a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.replace(/^[@ ]+|[@ ]+$/g, "") === b.replace(/^[@ ]+|[@ ]+$/g, "");
  if (typeof a === "boolean" || typeof b === "boolean") return Boolean(a) === Boolean(b);
  if (NOT_AVAILABLE.has(a as string) || NOT_AVAILABLE.has(b as string))
    return NOT_AVAILABLE.has(a as string) === NOT_AVAILABLE.has(b as string);
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) <= (TOLERANCE[field] ?? 0);
  return a === b;
}

export interface Agreement {
  reference: number;
  candidates: number;
  matching: number;
  extra: number;
  missing: number;
  /** matching / (reference + extra). */
  ratio: number;
  mismatches: { type: number; mmsi: number; field: string; reference: unknown; candidate: unknown }[];
}

export function agreement(reference: AisFields[], candidates: AisFields[], window = 8): Agreement {
  const used = new Array<boolean>(candidates.length).fill(false);
  let cursor = 0;
  let matching = 0;
  let missing = 0;
  const mismatches: Agreement["mismatches"] = [];
  for (const ref of reference) {
    let found = -1;
    for (let i = cursor; i < Math.min(candidates.length, cursor + window); i++) {
      const c = candidates[i] as AisFields;
      if (!used[i] && c.type === ref.type && c.mmsi === ref.mmsi) {
        found = i;
        break;
      }
    }
    if (found < 0) {
      missing++;
      mismatches.push({
        type: ref.type as number,
        mmsi: ref.mmsi as number,
        field: "(message)",
        reference: "present",
        candidate: "absent",
      });
      continue;
    }
    used[found] = true;
    cursor = found + 1;
    const candidate = candidates[found] as AisFields;
    let ok = true;
    for (const field of COMPARED[ref.type as number] ?? []) {
      if (!(field in ref) && !(field in candidate)) continue;
      if (!same(field, ref[field], candidate[field])) {
        ok = false;
        mismatches.push({ type: ref.type as number, mmsi: ref.mmsi as number, field, reference: ref[field], candidate: candidate[field] });
      }
    }
    if (ok) matching++;
  }
  const extra = used.filter((u) => !u).length;
  return {
    reference: reference.length,
    candidates: candidates.length,
    matching,
    extra,
    missing,
    ratio: matching / (reference.length + extra),
    mismatches,
  };
}
