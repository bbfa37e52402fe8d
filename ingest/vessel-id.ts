// Vessel ids of transmitters the register does not know (an Observation's `vessel`): `unregistered:<mmsi>` for an
// AIS transmitter, `unregistered:vms:<terminal>` for a VMS terminal. One place that spells them, for
// the decoders that make them and the rules and API that must tell them from the register's vessels.
const UNREGISTERED = "unregistered:";

export function unregisteredAisVessel(mmsi: number): string {
  return `${UNREGISTERED}${mmsi}`;
}

export function unregisteredVmsVessel(terminal: string): string {
  return `${UNREGISTERED}vms:${terminal}`;
}

export function isUnregisteredVessel(vessel: string): boolean {
  return vessel.startsWith(UNREGISTERED);
}
