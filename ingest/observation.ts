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
  /**
   * Quantities whose value the sensor-health rules found to be no measurement (outside the physical
   * range, a stuck sensor): set by the sensor rule stage, left out of the station indices. The
   * value is still stored as it came.
   */
  unmeasured?: string[];
}

/**
 * A vessel's position; becomes one `vessel_position` point. Values a transmitter reports as "not
 * available" are absent, never sentinel numbers.
 */
export interface VesselPosition {
  type: "vessel_position";
  /** Vessel id: the registry's, or `unregistered:<mmsi>` for a transmitter the registry does not know. */
  vessel: string;
  mmsi?: number;
  /** The VMS terminal that reported it (VMS reports). */
  vmsDeviceId?: string;
  source: "ais" | "vms";
  /** AIS receiver (or VMS gateway) that heard it. */
  receiver?: string;
  timeMs: number;
  lat: number;
  lon: number;
  /** Speed over ground, knots. */
  sogKn?: number;
  /** Course over ground, degrees true. */
  cogDeg?: number;
  headingDeg?: number;
  /** ITU-R M.1371 navigational status (7 = engaged in fishing). */
  navStatus?: number;
  /** VMS terminal state. */
  batteryV?: number;
  power?: "main" | "battery";
  alarms?: string[];
}

/** What a vessel says about itself (AIS types 5, 19, 24); becomes one `vessel_static` point. */
export interface VesselStatic {
  type: "vessel_static";
  vessel: string;
  mmsi: number;
  timeMs: number;
  name?: string;
  callsign?: string;
  shipType?: number;
  imo?: number;
  lengthM?: number;
  beamM?: number;
  destination?: string;
}

export type Observation = SensorReading | VesselPosition | VesselStatic;
