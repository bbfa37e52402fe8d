// Vessel positions as they are accepted, for the operator console's map: a rule stage of the
// pipeline (it sees every accepted observation) that hands positions to WebSocket subscribers, at
// most one per vessel per second (a burst of replayed history would otherwise flood the browsers).
import type { Envelope } from "../ingest/envelope.js";
import type { Observation } from "../ingest/observation.js";

export interface LivePosition {
  vessel: string;
  source: string;
  time: string;
  lat: number;
  lon: number;
  sogKn?: number;
  cogDeg?: number;
}

const MIN_INTERVAL_MS = 1000;
const MAX_TRACKED_VESSELS = 100_000;

export class LivePositions {
  private readonly listeners = new Set<(position: LivePosition) => void>();
  private readonly lastSent = new Map<string, number>();

  subscribe(listener: (position: LivePosition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly observe = (observation: Observation, _envelope: Envelope): void => {
    if (observation.type !== "vessel_position" || this.listeners.size === 0) return;
    const now = Date.now();
    const last = this.lastSent.get(observation.vessel) ?? 0;
    if (now - last < MIN_INTERVAL_MS) return;
    if (this.lastSent.size >= MAX_TRACKED_VESSELS) this.lastSent.clear();
    this.lastSent.set(observation.vessel, now);
    const position: LivePosition = {
      vessel: observation.vessel,
      source: observation.source,
      time: new Date(observation.timeMs).toISOString(),
      lat: observation.lat,
      lon: observation.lon,
      ...(observation.sogKn !== undefined && { sogKn: observation.sogKn }),
      ...(observation.cogDeg !== undefined && { cogDeg: observation.cogDeg }),
    };
    for (const listener of this.listeners) listener(position);
  };
}
