// `ioc-hub adapter run <id> --mqtt <hub>`: an adapter on a gateway next to the receiver or the
// sensor bus, sending to a central hub over MQTT (QoS 1, one envelope in flight, so a slow or
// unreachable hub backs up into the adapter's bounded queue). Stream formats the hub has a topic
// for (AIS NMEA, NAF) go as they came; formats that need the adapter's layout (sensor lines, Modbus
// registers, RMC) are decoded here by the same decoders and sent in the hub's published formats
// (sensor JSON, VMS JSON), which the hub validates again. Local rejections are logged and counted.
import type { MqttClient } from "mqtt";
import { topics } from "../broker/topics.js";
import type { Logger } from "../hub/logger.js";
import type { DecodeContext } from "../ingest/decoders/decoder.js";
import { decoders } from "../ingest/decoders/registry.js";
import type { Envelope } from "../ingest/envelope.js";
import type { SensorReading, VesselPosition } from "../ingest/observation.js";
import { quantities } from "../ingest/quantities.js";
import type { IngestTarget } from "./ingest-target.js";

function sensorPayload(readings: SensorReading[]): string {
  const out = readings.map((r) => ({
    time: new Date(r.timeMs).toISOString(),
    kind: r.kind,
    values: r.values,
    units: Object.fromEntries(Object.keys(r.values).map((q) => [q, quantities[q]?.unit as string])),
  }));
  return JSON.stringify(out.length === 1 ? out[0] : out);
}

function vmsPayload(p: VesselPosition): string {
  return JSON.stringify({
    time: new Date(p.timeMs).toISOString(),
    lat: p.lat,
    lon: p.lon,
    ...(p.sogKn !== undefined && { speedKn: p.sogKn }),
    ...(p.cogDeg !== undefined && { courseDeg: p.cogDeg }),
  });
}

export class MqttForwarder implements IngestTarget {
  rejected = 0;
  published = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly context: DecodeContext,
    private readonly log: Logger,
  ) {}

  async ingest(envelope: Envelope): Promise<void> {
    if (envelope.format === "ais-nmea") return this.send(topics.aisNmea(envelope.subjectId), envelope.bytes);
    if (envelope.format === "vms-naf") return this.send(topics.vesselNaf(envelope.subjectId), envelope.bytes);
    const decoder = decoders.get(envelope.format);
    if (!decoder) throw new Error(`no decoder for ${envelope.format}`);
    const { observations, rejections } = decoder.decode(envelope, this.context);
    for (const r of rejections) {
      this.rejected++;
      this.log.warn({ reason: r.reason, path: r.path, address: envelope.port }, `refused here: ${r.message}`);
    }
    const byStation = new Map<string, SensorReading[]>();
    for (const o of observations) {
      if (o.type === "sensor_reading") byStation.set(o.station, [...(byStation.get(o.station) ?? []), o]);
      else if (o.type === "vessel_position") await this.send(topics.vesselVms(o.vessel), Buffer.from(vmsPayload(o)));
    }
    for (const [station, readings] of byStation) await this.send(topics.sensorData(station), Buffer.from(sensorPayload(readings)));
  }

  private async send(topic: string, payload: Buffer): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1 });
    this.published++;
  }
}
