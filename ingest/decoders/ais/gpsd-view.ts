// Presents a decoded AIS message the way gpsd 3.22's `gpsdecode -j` prints it, so that the CLI
// output and the corpus agreement test compare like with like. The decoder itself keeps full,
// signed values; these are presentation quirks of gpsd, listed in the README:
// - "not available" speeds (raw 1023) and SAR altitude (raw 4095) are printed as "nan";
// - rate of turn is printed without its sign;
// - type 27 positions are printed to 0.1 degree.
import type { AisFields } from "./message-types.js";

export function gpsdView(message: AisFields): AisFields {
  const out: AisFields = { ...message };
  switch (message.type) {
    case 1:
    case 2:
    case 3:
      if (message.speed === 102.3) out.speed = "nan";
      if (typeof message.turn === "number") out.turn = Math.abs(message.turn);
      break;
    case 9:
      if (message.speed === 1023) out.speed = "nan";
      if (message.alt === 4095) out.alt = "nan";
      break;
    case 18:
    case 19:
      if (message.speed === 102.3) out.speed = "nan";
      break;
    case 27:
      out.lon = Math.round((message.lon as number) * 10) / 10;
      out.lat = Math.round((message.lat as number) * 10) / 10;
      break;
  }
  return out;
}
