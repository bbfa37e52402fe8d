// One vessel, three feeds: AIS from a receiver, VMS JSON from its terminal, NAF pushed by a VMS centre
// over HTTP, all joined to the registered vessel, stored, and served as a track and a latest position.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { type HubProcess, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { collect, connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";

describe("vessel feeds joined into one identity", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  const dir = tempDir("hub-vessels");
  const basic = (c: Credentials | undefined) => `Basic ${Buffer.from(`${c?.username}:${c?.password}`).toString("base64")}`;
  const api = (path: string, init: RequestInit & { as?: string } = {}) =>
    fetch(`${hub.httpUrl}${path}`, {
      ...init,
      headers: { authorization: basic(creds.get(init.as ?? "officer")), ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [
      { id: "officer", role: "operator" },
      { id: "vms-centre", role: "integration" },
      { id: "rx-chan-may", kind: "ais-receiver" },
      { id: "VMS-0042", kind: "vessel" },
      { id: "QNg-00777-TS", kind: "vessel" },
      { id: "TTH-77777-TS", kind: "vessel" },
    ]);
    hub = await startHub(dir.path, { IOC_INFLUX_URL: influx.url, IOC_INFLUX_FLUSH_INTERVAL_MS: "10" });
  });
  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("joins AIS, VMS JSON and NAF reports of a registered vessel and serves its track", async () => {
    const created = await api("/api/v1/vessels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: "TTH-90123-TS",
        name: "TTH 90123",
        lengthM: 16.5,
        mmsi: 227006760,
        vmsDeviceId: "VMS-0042",
        homePort: "Chân Mây",
      }),
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, 1100)); // the identity cache looks at the register once a second

    const now = Date.now();
    const minute = (ms: number) => new Date(Math.floor(ms / 60_000) * 60_000);
    const terminal = await connectDevice(hub.mqttUrl, creds.get("VMS-0042"));
    await terminal.publishAsync(
      "ioc/v1/vessels/VMS-0042/vms",
      JSON.stringify({ time: now - 20 * 60_000, lat: 16.3, lon: 108.0, speedKn: 6.2, courseDeg: 40 }),
      { qos: 1 },
    );
    const fix = minute(now - 10 * 60_000);
    const da = fix.toISOString().slice(0, 10).replace(/-/g, "");
    const ti = fix.toISOString().slice(11, 16).replace(":", "");
    const naf = [
      `//SR//AD/VNM//TM/POS//XR/TTH-90123-TS//ID/VMS-0042//DA/${da}//TI/${ti}//LT/16.350//LG/108.050//SP/58//CO/45//ER//`,
      `//SR//TM/POS//XR/TTH-90123-TS//DA/${da}//TI/2561//LT/16.36//LG/108.06//ER//`,
    ].join("\n");
    const pushed = await api("/api/v1/vms/naf", { as: "vms-centre", method: "POST", headers: { "content-type": "text/plain" }, body: naf });
    expect(pushed.status).toBe(200);
    expect(await pushed.json()).toEqual({
      accepted: 1,
      rejected: [{ reason: "naf_record_invalid", message: `naf_time_invalid: DA/${da} TI/2561`, path: "/record/2" }],
    });
    const receiver = await connectDevice(hub.mqttUrl, creds.get("rx-chan-may"));
    await receiver.publishAsync(
      "ioc/v1/ais/rx-chan-may/nmea",
      "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23\n!AIVDM,1,1,,B,15NBj>PP1gG>1PVKTDTUJOv00<0M,0*09\n",
      { qos: 1 },
    );
    const stranger = await connectDevice(hub.mqttUrl, creds.get("QNg-00777-TS"));
    await stranger.publishAsync(
      "ioc/v1/vessels/QNg-00777-TS/naf",
      `//SR//TM/POS//XR/QNg-00777-TS//DA/${da}//TI/${ti}//LT/16.500//LG/108.200//SP/30//CO/90//ER//`,
      { qos: 1 },
    );
    await Promise.all([terminal.endAsync(), receiver.endAsync(), stranger.endAsync()]);

    await expect
      .poll(async () => (await influx.rows('SELECT "lat" FROM "vessel_position" GROUP BY "vessel", "source"')).length, { timeout: 10_000 })
      .toBe(5);
    const stored = await influx.rows('SELECT "lat" FROM "vessel_position" GROUP BY "vessel", "source"');
    expect(stored.map((r) => `${r.vessel}/${r.source}`).sort()).toEqual([
      "TTH-90123-TS/ais",
      "TTH-90123-TS/vms",
      "TTH-90123-TS/vms",
      "unregistered:367309370/ais",
      "unregistered:vms:QNg-00777-TS/vms",
    ]);

    const track = (await (await api(`/api/v1/vessels/TTH-90123-TS/track?from=${now - 3_600_000}&to=${now + 60_000}`)).json()) as {
      geometry: { type: string; coordinates: number[][] };
      properties: { times: string[]; sources: string[]; points: number };
    };
    expect(track.geometry.type).toBe("LineString");
    expect(track.properties.points).toBe(3);
    expect(track.properties.sources).toEqual(["vms", "vms", "ais"]);
    expect(track.geometry.coordinates[0]).toEqual([108.0, 16.3]);
    expect([...track.properties.times].sort()).toEqual(track.properties.times);

    const latest = (await (await api("/api/v1/vessels/latest")).json()) as {
      features: { id: string; properties: Record<string, unknown> }[];
    };
    const byId = Object.fromEntries(latest.features.map((f) => [f.id, f.properties]));
    expect(byId["TTH-90123-TS"]).toMatchObject({ registered: true, name: "TTH 90123", source: "ais", mmsi: 227006760 });
    expect(byId["unregistered:367309370"]).toMatchObject({ registered: false, source: "ais" });
    expect((await api("/api/v1/vessels/TTH-00000-TS/track")).status).toBe(404);
  });

  it("raises an intrusion alert, once, when a vessel fishes in the protected area", async () => {
    const officer = await connectDevice(hub.mqttUrl, creds.get("officer"));
    await officer.subscribeAsync("ioc/v1/alerts/#", { qos: 1 });
    const alerts = collect(officer, "ioc/v1/alerts/#");
    const boat = await connectDevice(hub.mqttUrl, creds.get("TTH-77777-TS"));
    const now = Date.now();
    // Inside Hải Vân – Sơn Chà, drifting at a fishing speed; the first fix alone does not raise (GPS jitter guard).
    for (const [i, lat, lon] of [
      [3, 16.25, 108.15],
      [2, 16.251, 108.151],
      [1, 16.252, 108.152],
    ] as const) {
      await boat.publishAsync("ioc/v1/vessels/TTH-77777-TS/vms", JSON.stringify({ time: now - i * 60_000, lat, lon, speedKn: 3 }), {
        qos: 1,
      });
    }
    const events = () => alerts.messages.filter((m) => m.topic === "ioc/v1/alerts/fisheries/mpa-intrusion");
    await expect.poll(() => events().length, { timeout: 10_000 }).toBe(2);
    const received = events().map((m) => ({ topic: m.topic, ...JSON.parse(m.payload.toString()) }));
    expect(received.map((a) => [a.topic, a.event.type, a.alert.severity, a.alert.subject, a.alert.zone])).toEqual([
      ["ioc/v1/alerts/fisheries/mpa-intrusion", "raised", "warning", "unregistered:vms:TTH-77777-TS", "mpa-haivan-soncha"],
      ["ioc/v1/alerts/fisheries/mpa-intrusion", "severity_changed", "critical", "unregistered:vms:TTH-77777-TS", "mpa-haivan-soncha"],
    ]);
    // The entry into the protected area is also in the zone log (zone-transit, info).
    expect(
      alerts.messages.some(
        (m) => m.topic === "ioc/v1/alerts/fisheries/zone-transit" && JSON.parse(m.payload.toString()).alert.zone === "mpa-haivan-soncha",
      ),
    ).toBe(true);
    // One alert: the escalation changed its severity rather than opening another.
    expect(received[0].alert.id).toBe(received[1].alert.id);
    await expect
      .poll(async () => (await influx.rows(`SELECT "event" FROM "alert" WHERE "rule" = 'mpa-intrusion'`)).map((r) => r.event).sort(), {
        timeout: 10_000,
      })
      .toEqual(["raised", "severity_changed"]);
    await Promise.all([officer.endAsync(), boat.endAsync()]);
  });
});
