// What a fisheries officer sees on clicking a vessel: who it is, from the register (name,
// registration number, length, gear, home port, owner, its AIS and VMS identities) — or that the
// register does not know it — and where and when it was last heard, in Huế time.
import { element } from "./dom.js";
import { formatNumber, formatTime, t } from "./i18n.js";

export interface RegisteredVessel {
  id: string;
  name: string;
  lengthM: number;
  mainGear?: string;
  homePort?: string;
  owner?: string;
  mmsi?: number;
  vmsDeviceId?: string;
  status?: string;
}

export interface LastFix {
  time: string;
  source: string;
  sogKn?: number;
}

export function vesselCard(id: string, vessel: RegisteredVessel | undefined, fix: LastFix | undefined): HTMLElement {
  const card = element("div", undefined, "vessel-card");
  card.dataset.vessel = id;
  card.append(element("strong", vessel ? `${vessel.name} · ${vessel.id}` : id));
  if (vessel) {
    const facts = [t("vessel.length", { length: formatNumber(vessel.lengthM) })];
    if (vessel.mainGear) facts.push(t("vessel.gear", { gear: vessel.mainGear }));
    if (vessel.homePort) facts.push(t("vessel.homePort", { port: vessel.homePort }));
    card.append(element("div", facts.join(" · ")));
    if (vessel.owner) card.append(element("div", t("vessel.owner", { owner: vessel.owner })));
    const ids = [vessel.mmsi !== undefined ? `MMSI ${vessel.mmsi}` : "", vessel.vmsDeviceId ? `VMS ${vessel.vmsDeviceId}` : ""].filter(
      Boolean,
    );
    if (ids.length > 0) card.append(element("div", ids.join(" · ")));
    if (vessel.status && vessel.status !== "active") card.append(element("div", t(`vessel.status.${vessel.status}`), "warning"));
  } else {
    card.append(element("div", t("vessel.unregistered"), "warning"));
  }
  if (fix) {
    const speed = fix.sogKn !== undefined ? ` · ${t("speed", { speed: formatNumber(Math.round(fix.sogKn * 10) / 10) })}` : "";
    card.append(element("div", `${t("vessel.lastFix", { time: formatTime(fix.time), source: fix.source.toUpperCase() })}${speed}`));
  }
  return card;
}
