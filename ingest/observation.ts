// What decoders produce and rules and the sink consume (DESIGN.md §3).

export type SensorKind = "air" | "water";

/** One timestamped set of measurements from one station; becomes one `env_reading` point. */
export interface SensorReading {
  type: "sensor_reading";
  station: string;
  kind: SensorKind;
  /** Transport the reading came by (`mqtt`, `serial`, …). */
  source: string;
  /** Observation time (device clock), Unix ms. */
  timeMs: number;
  /** Canonical quantity name → value in the quantity's canonical unit. */
  values: Record<string, number>;
}

export type Observation = SensorReading;
