// Reads a vessel import file: JSON (an array of vessels, or { "vessels": [...] }) or CSV with a header
// row of the schema's property names (id,name,lengthM,grossTonnage,mainGear,homePort,owner,mmsi,vmsDeviceId,status).
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";

const NUMERIC = new Set(["lengthM", "grossTonnage", "mmsi"]);

export function readVesselFile(path: string): unknown[] {
  const text = readFileSync(path, "utf8");
  if (/\.json$/i.test(path) || /^\s*[[{]/.test(text)) {
    const parsed = JSON.parse(text) as unknown;
    if (Array.isArray(parsed)) return parsed;
    if (parsed && typeof parsed === "object" && Array.isArray((parsed as { vessels?: unknown }).vessels))
      return (parsed as { vessels: unknown[] }).vessels;
    throw new Error('a JSON import is an array of vessels or { "vessels": [...] }');
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  // Empty cells are absent fields; numeric columns become numbers (a non-number stays text, and the schema says so).
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row)
        .filter(([, v]) => v !== "")
        .map(([k, v]) => [k, NUMERIC.has(k) && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : v]),
    ),
  );
}
