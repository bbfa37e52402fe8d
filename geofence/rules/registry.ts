// The vessel rules, in the order they run (a flagged fix is not shown to the rules after the one that flagged it).
import { boundaryApproach } from "./boundary-approach.js";
import { encounter } from "./encounter.js";
import { goingDark } from "./going-dark.js";
import { loitering } from "./loitering.js";
import { mpaIntrusion } from "./mpa-intrusion.js";
import { overspeed } from "./overspeed.js";
import { portEvents } from "./port-events.js";
import { positionJump } from "./position-jump.js";
import type { VesselRule } from "./vessel-rule.js";
import { zoneByClass } from "./zone-by-class.js";
import { zoneTransit } from "./zone-transit.js";

// biome-ignore lint/suspicious/noExplicitAny: each rule has its own config and state types.
export const vesselRules: readonly VesselRule<any, any>[] = [
  positionJump,
  zoneTransit,
  mpaIntrusion,
  zoneByClass,
  boundaryApproach,
  overspeed,
  portEvents,
  goingDark,
  encounter,
  loitering,
];
