// The quantities a station may report, each with its canonical unit (UCUM case-sensitive codes,
// as SenML RFC 8428 §12.1 uses them where it registers one) and the other units converted to it.
// A unit outside this list is refused rather than guessed.
import type { SensorKind } from "./observation.js";

type Convert = (value: number) => number;

export interface Quantity {
  /** Canonical unit; the value stored in InfluxDB is in this unit. */
  unit: string;
  /** Which station kind reports it; "any" for shared quantities such as temperature. */
  domain: SensorKind | "any";
  /** Accepted units (canonical included) → conversion to the canonical unit. */
  units: Record<string, Convert>;
  description: string;
}

const same: Convert = (v) => v;
const times =
  (k: number): Convert =>
  (v) =>
    v * k;

// Gas concentrations: ppb → µg/m³ at 25 °C and 1 atm, µg/m³ = ppb × M / 24.45 (molar volume in L),
// the reference condition of QCVN 05:2023/BTNMT and US EPA.
const MOLAR_VOLUME_L = 24.45;
function gas(molarMass: number, description: string): Quantity {
  const perPpb = molarMass / MOLAR_VOLUME_L;
  return {
    unit: "ug/m3",
    domain: "air",
    description,
    units: { "ug/m3": same, "µg/m3": same, "mg/m3": times(1000), ppb: times(perPpb), ppm: times(perPpb * 1000) },
  };
}
function particulate(description: string): Quantity {
  return { unit: "ug/m3", domain: "air", description, units: { "ug/m3": same, "µg/m3": same, "mg/m3": times(1000) } };
}
function massPerLitre(description: string): Quantity {
  return { unit: "mg/L", domain: "water", description, units: { "mg/L": same, "mg/l": same, "ug/L": times(0.001), "µg/L": times(0.001) } };
}

function pesticide(description: string): Quantity {
  return { unit: "ug/L", domain: "water", description, units: { "ug/L": same, "µg/L": same, "ng/L": times(0.001) } };
}

export const quantities: Record<string, Quantity> = {
  pm1: particulate("PM1 particulate matter"),
  pm25: particulate("PM2.5 particulate matter"),
  pm10: particulate("PM10 particulate matter"),
  tsp: particulate("total suspended particulates"),
  no2: gas(46.0055, "nitrogen dioxide"),
  so2: gas(64.066, "sulphur dioxide"),
  o3: gas(47.997, "ozone"),
  co: gas(28.01, "carbon monoxide"),
  temperature: {
    unit: "Cel",
    domain: "any",
    description: "air or water temperature",
    units: { Cel: same, degC: same, "°C": same, K: (v) => v - 273.15, "[degF]": (v) => ((v - 32) * 5) / 9 },
  },
  humidity: { unit: "%RH", domain: "air", description: "relative humidity", units: { "%RH": same, "%": same } },
  pressure: { unit: "hPa", domain: "air", description: "air pressure", units: { hPa: same, Pa: times(0.01), kPa: times(10), mbar: same } },
  wind_speed: {
    unit: "m/s",
    domain: "air",
    description: "wind speed",
    units: { "m/s": same, "km/h": (v) => v / 3.6, "[kn_i]": times(0.514444), kn: times(0.514444) },
  },
  wind_direction: { unit: "deg", domain: "air", description: "wind direction, from true north", units: { deg: same } },
  rainfall: { unit: "mm", domain: "air", description: "rainfall in the reporting interval", units: { mm: same } },
  noise: { unit: "dB", domain: "air", description: "sound level (A-weighted)", units: { dB: same, "dB(A)": same } },
  ph: { unit: "pH", domain: "water", description: "acidity", units: { pH: same, "[pH]": same, "1": same } },
  do: massPerLitre("dissolved oxygen"),
  do_saturation: { unit: "%", domain: "water", description: "dissolved oxygen saturation", units: { "%": same } },
  turbidity: { unit: "NTU", domain: "water", description: "turbidity", units: { NTU: same, FNU: same } },
  conductivity: {
    unit: "uS/cm",
    domain: "water",
    description: "electrical conductivity",
    units: { "uS/cm": same, "µS/cm": same, "mS/cm": times(1000), "S/m": times(10000) },
  },
  salinity: {
    unit: "PSU",
    domain: "water",
    description: "practical salinity",
    units: { PSU: same, psu: same, ppt: same, "‰": same, "g/kg": same, "%": times(10) },
  },
  tds: massPerLitre("total dissolved solids"),
  tss: massPerLitre("total suspended solids"),
  cod: massPerLitre("chemical oxygen demand"),
  bod5: massPerLitre("biochemical oxygen demand, 5 days"),
  nh4: massPerLitre("ammonium (as N)"),
  no3: massPerLitre("nitrate (as N)"),
  po4: massPerLitre("phosphate (as P)"),
  toc: massPerLitre("total organic carbon"),
  nitrite: massPerLitre("nitrite (as N)"),
  arsenic: massPerLitre("arsenic"),
  cadmium: massPerLitre("cadmium"),
  lead: massPerLitre("lead"),
  chromium_vi: massPerLitre("hexavalent chromium"),
  copper: massPerLitre("copper"),
  zinc: massPerLitre("zinc"),
  mercury: massPerLitre("mercury"),
  aldrin: pesticide("aldrin"),
  bhc: pesticide("benzene hexachloride (BHC)"),
  dieldrin: pesticide("dieldrin"),
  ddts: pesticide("DDTs"),
  heptachlor: pesticide("heptachlor and heptachlor epoxide"),
  chlorophyll_a: {
    unit: "ug/L",
    domain: "water",
    description: "chlorophyll a",
    units: { "ug/L": same, "µg/L": same, "mg/L": times(1000) },
  },
  coliform: { unit: "MPN/100mL", domain: "water", description: "coliform bacteria", units: { "MPN/100mL": same, "CFU/100mL": same } },
  e_coli: { unit: "MPN/100mL", domain: "water", description: "E. coli bacteria", units: { "MPN/100mL": same, "CFU/100mL": same } },
  water_level: { unit: "m", domain: "water", description: "water level", units: { m: same, cm: times(0.01), mm: times(0.001) } },
  battery: { unit: "V", domain: "any", description: "station battery voltage", units: { V: same, mV: times(0.001) } },
};

export type UnitCheck = { ok: true; value: number } | { ok: false; reason: "quantity_unknown" | "unit_invalid"; message: string };

/** Converts a value of a quantity from `unit` (canonical when absent) to the canonical unit. */
export function toCanonical(name: string, value: number, unit: string | undefined): UnitCheck {
  const quantity = Object.hasOwn(quantities, name) ? quantities[name] : undefined;
  if (!quantity) return { ok: false, reason: "quantity_unknown", message: `unknown quantity "${name}"` };
  if (unit === undefined) return { ok: true, value };
  const convert = Object.hasOwn(quantity.units, unit) ? quantity.units[unit] : undefined;
  if (!convert) {
    return {
      ok: false,
      reason: "unit_invalid",
      message: `unit "${unit}" is not accepted for ${name}; use ${Object.keys(quantity.units).join(", ")}`,
    };
  }
  return { ok: true, value: convert(value) };
}

/** The station kind a set of quantities implies, or undefined when they only hold shared quantities. */
export function impliedKind(named: Iterable<string | { name: string }>): SensorKind | "mixed" | undefined {
  let kind: SensorKind | undefined;
  for (const item of named) {
    const name = typeof item === "string" ? item : item.name;
    const domain = Object.hasOwn(quantities, name) ? quantities[name]?.domain : undefined;
    if (domain === "air" || domain === "water") {
      if (kind && kind !== domain) return "mixed";
      kind = domain;
    }
  }
  return kind;
}
