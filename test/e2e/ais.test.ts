// AIS from a receiver over MQTT → vessel positions and static reports in InfluxDB, with bad lines
// reported to the receiver and the good ones around them kept.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, addDevices } from "../support/devices.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type HubProcess, runCli, startHub } from "../support/hub-process.js";
import { type TestInfluxd, startTestInfluxd } from "../support/influxd.js";
import { collect, connectDevice } from "../support/mqtt-clients.js";
import { tempDir } from "../support/temp-dir.js";

describe("AIS over MQTT", () => {
  let influx: TestInfluxd;
  let hub: HubProcess;
  let creds: Map<string, Credentials>;
  const dir = tempDir("hub-ais");

  beforeAll(async () => {
    influx = await startTestInfluxd();
    creds = await addDevices(dir.path, [
      { id: "rx-thuan-an", kind: "ais-receiver" },
      { id: "officer-1", role: "operator" },
    ]);
    const csv = join(dir.path, "vessels.csv");
    writeFileSync(
      csv,
      "id,name,lengthM,mainGear,homePort,mmsi,vmsDeviceId\nTTH-90123-TS,TTH 90123 Phú Thuận,16.5,gillnet,Thuận An,227006760,VMS-0042\n",
    );
    expect(runCli(["vessels", "import", csv], { IOC_DATA_DIR: dir.path }).stdout).toContain("imported 1 new");
    hub = await startHub(dir.path, { IOC_INFLUX_URL: influx.url });
  });
  afterAll(async () => {
    await hub?.stop();
    await influx?.destroy();
    dir.remove();
  });

  it("stores positions and static data, and reports the bad line", async () => {
    const receiver = await connectDevice(hub.mqttUrl, creds.get("rx-thuan-an"));
    await receiver.subscribeAsync("ioc/v1/errors/rx-thuan-an", { qos: 1 });
    const errors = collect(receiver, "ioc/v1/errors/rx-thuan-an");
    const t = Math.floor(Date.now() / 1000) - 60;
    const tagged = (sentence: string) => {
      const body = `c:${t}`;
      let sum = 0;
      for (const c of body) sum ^= c.charCodeAt(0);
      return `\\${body}*${sum.toString(16).toUpperCase().padStart(2, "0")}\\${sentence}`;
    };
    const lines = [
      tagged("!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23"),
      "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24",
      "!AIVDM,2,1,4,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*39",
    ];
    await receiver.publishAsync("ioc/v1/ais/rx-thuan-an/nmea", lines.join("\r\n"), { qos: 1 });
    // The second fragment of the type 5 message comes in the next MQTT message.
    await receiver.publishAsync("ioc/v1/ais/rx-thuan-an/nmea", "!AIVDM,2,2,4,B,1@0000000000000,2*52\n", { qos: 1 });
    await errors.waitFor(1);
    expect(JSON.parse(errors.messages[0]?.payload.toString() ?? "{}")).toMatchObject({ reason: "ais_sentence_invalid", path: "/line/2" });
    await expect.poll(async () => (await influx.rows('SELECT * FROM "vessel_position"')).length, { timeout: 10_000 }).toBe(1);
    const [position] = await influx.rows('SELECT * FROM "vessel_position"');
    expect(position).toMatchObject({
      vessel: "TTH-90123-TS",
      mmsi: "227006760",
      source: "ais",
      receiver: "rx-thuan-an",
      nav_status: 0,
      time: t * 1000,
    });
    expect(position?.lat).toBeCloseTo(49.475577, 5);
    expect(position?.heading ?? null).toBeNull(); // heading 511 = not available: no field at all
    await expect.poll(async () => (await influx.rows('SELECT * FROM "vessel_static"')).length, { timeout: 10_000 }).toBe(1);
    const [stat] = await influx.rows('SELECT * FROM "vessel_static"');
    expect(stat).toMatchObject({ vessel: "unregistered:369190000", name: "MT.MITCHELL", callsign: "WDA9674", length: 180 });
    const metrics = await (await fetch(`${hub.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/ioc_ais_messages_total\{type="1"\} 1/);
    expect(metrics).toMatch(/ioc_ais_messages_total\{type="5"\} 1/);
    const officer = creds.get("officer-1") as Credentials;
    const authorization = `Basic ${Buffer.from(`${officer.username}:${officer.password}`).toString("base64")}`;
    const unregistered = (await (await fetch(`${hub.httpUrl}/api/v1/vessels?registered=false`, { headers: { authorization } })).json()) as {
      vessels: { id: string; name?: string }[];
    };
    expect(unregistered.vessels).toEqual([expect.objectContaining({ id: "unregistered:369190000", name: "MT.MITCHELL" })]);
    await receiver.endAsync();
  });

  it("stops cleanly on SIGTERM while a device is still connected", async () => {
    const receiver = await connectDevice(hub.mqttUrl, creds.get("rx-thuan-an"));
    receiver.on("error", () => undefined);
    expect(await hub.stop()).toBe(0);
    receiver.end(true);
  });
});
