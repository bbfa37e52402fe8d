// What the hue-coast fleet sends, as MQTT messages in time order: AIS position reports from the
// nearest shore receiver every step (type 1 for class A, 18 for class B; one MQTT message per receiver
// and step holding every sentence it heard, with tag blocks), static data every 6 minutes (type 5 as
// two sentences, type 24 A+B), and VMS reports every 30 minutes for the vessels that carry a terminal
// (JSON from the terminal itself, or NAF relayed by the VMS gateway, alternately by vessel). A dark
// vessel sends nothing; a spoofed fix goes out like any other.
import { getDistance } from "geolib";
import { classAPosition, classAStatic, classBPosition, classBStatic, sentences } from "./ais-encoder.js";
import type { FleetConfig, FleetRun, SimVessel } from "./fleet-scenario.js";

export interface SimMessage {
  timeMs: number;
  /** The device whose credentials publish it. */
  device: string;
  topic: string;
  payload: string;
}

/** Shore receiver sites (the shipped ports they stand at). */
const RECEIVER_SITES: Record<string, [number, number]> = {
  "rx-thuan-an": [16.57, 107.64],
  "rx-chan-may": [16.33, 108.0],
};

const STATIC_EVERY_MS = 6 * 60_000;
const VMS_EVERY_MS = 30 * 60_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** A NAF position record (shared/notes/naf.md) as a VMS gateway relays it. */
export function nafRecord(
  vessel: SimVessel,
  timeMs: number,
  lat: number,
  lon: number,
  sogKn: number,
  cogDeg: number,
  sequence: number,
): string {
  const d = new Date(timeMs);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  const fields = [
    "AD/VNM",
    "FR/VNM",
    `SQ/${pad(sequence % 1_000_000, 6)}`,
    "TM/POS",
    `RC/${vessel.callsign}`,
    `IR/${vessel.vmsDeviceId ?? vessel.id}`,
    `XR/${vessel.id}`,
    `NA/${vessel.name.replace(/\//g, " ")}`,
    `LT/${lat >= 0 ? "+" : ""}${lat.toFixed(4)}`,
    `LG/${lon >= 0 ? "+" : ""}${lon.toFixed(4)}`,
    `SP/${Math.round(sogKn * 10)}`,
    `CO/${Math.round(cogDeg) % 360}`,
    `DA/${date}`,
    `TI/${time}`,
  ];
  return `//SR//${fields.join("//")}//ER//`;
}

export function fleetMessages(config: FleetConfig, run: FleetRun): SimMessage[] {
  const byId = new Map(run.vessels.map((v) => [v.id, v]));
  const messages: SimMessage[] = [];
  const byStep = new Map<number, typeof run.fixes>();
  for (const fix of run.fixes) {
    const list = byStep.get(fix.timeMs) ?? [];
    list.push(fix);
    byStep.set(fix.timeMs, list);
  }
  const lastStatic = new Map<string, number>();
  const lastVms = new Map<string, number>();
  let sequence = 0;
  let nafSequence = 0;
  for (const [timeMs, fixes] of [...byStep.entries()].sort((a, b) => a[0] - b[0])) {
    const heard = new Map<string, string[]>();
    for (const fix of fixes) {
      const vessel = byId.get(fix.vessel) as SimVessel;
      const dark = run.darkFromMs.get(vessel.id);
      if (dark !== undefined && fix.timeMs >= dark) continue;
      if (vessel.ais) {
        const receiver = config.receivers
          .map((id) => [id, RECEIVER_SITES[id] ?? [0, 0]] as const)
          .sort(
            (a, b) =>
              getDistance({ latitude: fix.lat, longitude: fix.lon }, { latitude: a[1][0], longitude: a[1][1] }) -
              getDistance({ latitude: fix.lat, longitude: fix.lon }, { latitude: b[1][0], longitude: b[1][1] }),
          )[0]?.[0] as string;
        const lines = heard.get(receiver) ?? [];
        const report = {
          mmsi: vessel.mmsi,
          lat: fix.lat,
          lon: fix.lon,
          sogKn: fix.sogKn,
          cogDeg: fix.cogDeg,
          headingDeg: fix.cogDeg,
          navStatus: fix.navStatus,
          second: new Date(fix.timeMs).getUTCSeconds(),
        };
        const tag = { receiver, unixTimeS: fix.timeMs / 1000 };
        const channel = sequence % 2 === 0 ? "A" : "B";
        lines.push(...sentences(vessel.ais === "A" ? classAPosition(report) : classBPosition(report), channel, sequence++, tag));
        const due = (lastStatic.get(vessel.id) ?? Number.NEGATIVE_INFINITY) + STATIC_EVERY_MS;
        if (!fix.spoofed && fix.timeMs >= due) {
          lastStatic.set(vessel.id, fix.timeMs);
          const data = {
            mmsi: vessel.mmsi,
            name: vessel.name
              .normalize("NFD")
              .replace(/[\u0300-\u036f]/g, "")
              .replace(/[đĐ]/g, "D"),
            callsign: vessel.callsign,
            shipType: 30,
            lengthM: vessel.lengthM,
            beamM: vessel.beamM,
            destination: "FISHING",
          };
          if (vessel.ais === "A") lines.push(...sentences(classAStatic(data), channel, sequence++, tag));
          else for (const part of classBStatic(data)) lines.push(...sentences(part, channel, sequence++, tag));
        }
        heard.set(receiver, lines);
      }
      if (vessel.vmsDeviceId && !fix.spoofed) {
        const due = (lastVms.get(vessel.id) ?? Number.NEGATIVE_INFINITY) + VMS_EVERY_MS;
        if (fix.timeMs >= due) {
          lastVms.set(vessel.id, fix.timeMs);
          const byGateway = Number(vessel.id.replace(/\D/g, "")) % 2 === 0;
          messages.push(
            byGateway
              ? {
                  timeMs: fix.timeMs,
                  device: config.vmsGateway,
                  topic: `ioc/v1/vessels/${vessel.id}/naf`,
                  payload: nafRecord(vessel, fix.timeMs, fix.lat, fix.lon, fix.sogKn, fix.cogDeg, ++nafSequence),
                }
              : {
                  timeMs: fix.timeMs,
                  device: vessel.vmsDeviceId,
                  topic: `ioc/v1/vessels/${vessel.vmsDeviceId}/vms`,
                  payload: JSON.stringify({
                    time: new Date(fix.timeMs).toISOString(),
                    lat: fix.lat,
                    lon: fix.lon,
                    speedKn: fix.sogKn,
                    courseDeg: fix.cogDeg,
                    power: "main",
                  }),
                },
          );
        }
      }
    }
    for (const [receiver, lines] of [...heard.entries()].sort()) {
      messages.push({ timeMs, device: receiver, topic: `ioc/v1/ais/${receiver}/nmea`, payload: `${lines.join("\n")}\n` });
    }
  }
  return messages;
}
