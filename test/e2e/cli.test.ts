// The ioc-hub command line, run as a user would.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../hub/package-root.js";
import { readLaunchSettings } from "../../hub/launch-line.js";
import { cliPath, runCli, startHub } from "../support/hub-process.js";
import { tempDir } from "../support/temp-dir.js";

describe("ioc-hub CLI", () => {
  const dir = tempDir("cli");
  const env = { IOC_DATA_DIR: dir.path };
  afterAll(() => dir.remove());

  it("adds a device and prints its password once, as text or JSON", () => {
    const text = runCli(["devices", "add", "hue-air-01", "--kind", "air"], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^password: [A-Za-z0-9_-]{32}$/m);
    const json = runCli(["devices", "add", "wq-01", "--kind", "water", "--json"], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: "wq-01",
      kind: "water",
      role: "device",
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    const list = JSON.parse(runCli(["devices", "list", "--json"], env).stdout) as { id: string; password?: string }[];
    expect(list.map((d) => d.id)).toEqual(["hue-air-01", "wq-01"]);
    expect(list.every((d) => d.password === undefined)).toBe(true);
  });

  it("disables, enables and rotates", () => {
    expect(runCli(["devices", "disable", "wq-01"], env).stdout).toContain("wq-01: disabled");
    expect(runCli(["devices", "enable", "wq-01"], env).stdout).toContain("wq-01: enabled");
    const rotated = JSON.parse(runCli(["devices", "rotate", "wq-01", "--json"], env).stdout);
    expect(rotated.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("explains mistakes with exit code 2", () => {
    const noKind = runCli(["devices", "add", "x"], env);
    expect(noKind.status).toBe(2);
    expect(noKind.stderr).toContain("needs --kind");
    expect(runCli(["devices", "add", "x", "--kind", "rocket"], env).stderr).toContain("kind must be one of");
    expect(runCli(["devices", "rotate", "ghost"], env).stderr).toContain('no device "ghost"');
    expect(runCli(["launch"], env).status).toBe(2);
  });

  it("runs with its shebang's runtime settings, and the container image with the same", async () => {
    const launch = readLaunchSettings(cliPath);
    expect(launch.env).toEqual({ MALLOC_ARENA_MAX: "2" });
    expect(launch.nodeFlags).toEqual(["--max-old-space-size=256", "--heap-growing-percent=60"]);
    const dataDir = join(dir.path, "executable");
    mkdirSync(dataDir);
    const hub = await startHub(dataDir, { IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" }, { executable: true });
    try {
      const pid = hub.child.pid as number;
      // `env` execs Node in the same process: its environment and command line are the hub's.
      expect(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")).toContain("MALLOC_ARENA_MAX=2");
      expect(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")).toEqual(expect.arrayContaining(launch.nodeFlags));
    } finally {
      expect(await hub.stop()).toBe(0);
    }
    const dockerfile = readFileSync(join(packageRoot, "Dockerfile"), "utf8");
    const imageEnv = Object.fromEntries([...dockerfile.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(imageEnv).toMatchObject(launch.env);
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? "[]") as string[];
    expect(entrypoint.filter((word) => word.startsWith("--"))).toEqual(launch.nodeFlags);
  });

  it("refuses a bad configuration naming the key, before touching anything", () => {
    const bad = runCli(["start"], { ...env, IOC_MQTT_PORT: "not-a-port" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("mqtt.port must be integer (from IOC_MQTT_PORT)");
    const file = join(dir.path, "hub.json");
    writeFileSync(file, JSON.stringify({ spool: { onFull: "panic" } }));
    const badFile = runCli(["start", "--config", file], env);
    expect(badFile.status).toBe(2);
    expect(badFile.stderr).toContain("spool.onFull must be equal to one of the allowed values");
    // The stations file: checked before the hub starts anything, the bad feature named.
    const stations = join(dir.path, "stations.geojson");
    writeFileSync(
      stations,
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          { type: "Feature", properties: { id: "aq-a", name: "A" }, geometry: { type: "Point", coordinates: [107.6, 16.4] } },
          { type: "Feature", properties: { id: "aq-b", name: "B" }, geometry: { type: "Point", coordinates: [16.4, 107.6] } },
        ],
      }),
    );
    const badStations = runCli(["start"], { ...env, IOC_STATIONS_FILE: stations });
    expect(badStations.status).toBe(2);
    expect(badStations.stderr).toContain(`stations file ${stations}: /features/1/geometry/coordinates/1: must be <= 90`);
    const rules = join(dir.path, "rules.json");
    writeFileSync(rules, JSON.stringify({ sensor: [{ id: "x", rule: "threshold", quantity: "pm25", params: { abov: 5 } }] }));
    const badRules = runCli(["start"], { ...env, IOC_RULES_FILE: rules, IOC_INFLUX_INFLUXD_PATH: "/nonexistent/influxd" });
    expect(badRules.status).toBe(2);
    expect(badRules.stderr).toContain('/sensor/0/params: unknown key "abov"');
  });

  it("decodes AIS NMEA from a file or stdin to JSON lines, with an error line per bad input line", () => {
    const file = join(packageRoot, "..", "shared", "corpus", "ais", "bad-input.nmea");
    const fromFile = runCli(["decode", "ais", file], env);
    expect(fromFile.status).toBe(0);
    const messages = fromFile.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(messages).toHaveLength(14);
    expect(messages[0]).toMatchObject({ class: "AIS", type: 1, mmsi: 227006760, status: 0, turn: "nan" });
    const errors = fromFile.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(errors[0]).toEqual({ line: 3, reason: "checksum_mismatch", message: "checksum 24 should be 23" });
    const fromStdin = spawnSync(process.execPath, [cliPath, "decode", "ais"], {
      input: readFileSync(file),
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(runCli(["decode", "ais", join(dir.path, "missing.nmea")], env).status).toBe(1);
    expect(runCli(["decode", "naf"], env).status).toBe(2);
  });

  it("imports vessels from CSV or JSON, all or nothing, and lists them", () => {
    const csv = join(dir.path, "fleet.csv");
    writeFileSync(
      csv,
      'id,name,lengthM,grossTonnage,mmsi,vmsDeviceId\nTTH-90123-TS,"TTH 90123, Phú Thuận",16.5,48,574123456,VMS-0042\nTTH-90456-TS,TTH 90456,9.8,,,\n',
    );
    expect(runCli(["vessels", "import", csv], env).stdout).toBe("imported 2 new and 0 updated vessels\n");
    const json = join(dir.path, "fleet.json");
    writeFileSync(
      json,
      JSON.stringify({
        vessels: [
          { id: "TTH-90456-TS", name: "TTH 90456", lengthM: 10.2 },
          { id: "TTH-1-TS", name: "x", lengthM: 3 },
        ],
      }),
    );
    const refused = runCli(["vessels", "import", json], env);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("nothing imported: record 2");
    const list = JSON.parse(runCli(["vessels", "list", "--json"], env).stdout) as {
      id: string;
      name: string;
      lengthM: number;
      grossTonnage?: number;
    }[];
    expect(list.map((v) => [v.id, v.name, v.lengthM, v.grossTonnage])).toEqual([
      ["TTH-90123-TS", "TTH 90123, Phú Thuận", 16.5, 48],
      ["TTH-90456-TS", "TTH 90456", 9.8, undefined],
    ]);
  });

  it("checks positions against the shipped zones, from a file or stdin", () => {
    const positions = join(dir.path, "positions.jsonl");
    writeFileSync(positions, '{"id":"in-coastal-zone","lat":16.55,"lon":107.75}\n{"id":"inland","lat":16.46,"lon":107.59}\nnot json\n');
    const run = runCli(["zones", "check", "--zones", join(packageRoot, "zones"), positions], env);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ id: "in-coastal-zone", zones: ["zone-venbo"] });
    expect(lines[0].nearest_boundary_nm).toBeGreaterThan(0);
    expect(lines[1]).toMatchObject({ id: "inland", zones: [] });
    expect(JSON.parse(run.stderr.trim())).toMatchObject({ line: 3, reason: "json_invalid" });
    const stdin = spawnSync(process.execPath, [cliPath, "zones", "check", "--zones", join(packageRoot, "zones")], {
      input: readFileSync(positions),
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
    expect(stdin.stdout).toBe(run.stdout);
    expect(runCli(["zones", "check"], env).status).toBe(2);
  });

  it("prints the AQI of each reading line for either standard, with a reason where there is none", () => {
    const readings = [
      { id: "a", pollutant: "pm25", avg: "24h", value: 37.5, unit: "ug/m3" },
      { id: "b", pollutant: "o3", avg: "8h", value: 0.078, unit: "ppm" },
      { id: "c", pollutant: "co", avg: "8h", value: 5, unit: "ppm" },
      { id: "d", pollutant: "pm10", avg: "24h", value: 200, unit: "ug/m3" },
    ];
    const input = `${readings.map((r) => JSON.stringify(r)).join("\n")}\n{"id":"e","pollutant":"lead"}\n`;
    const run = (standard: string, lang?: string) =>
      spawnSync(process.execPath, [cliPath, "aqi", "--standard", standard, ...(lang ? ["--lang", lang] : [])], {
        input,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "" },
      });
    const vn = run("vn");
    expect(vn.status).toBe(0);
    expect(
      vn.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { id: "a", aqi: 75, category: "Moderate" },
      { id: "b", aqi: 133, category: "Poor" }, // 0.078 ppm = 153.1 µg/m³ at 25 °C
      { id: "c", aqi: null, category: null, reason: "VN_AQI defines no index for 8h co" },
      { id: "d", aqi: 125, category: "Poor" },
    ]);
    expect(JSON.parse(vn.stderr.trim())).toMatchObject({ line: 5, id: "e", reason: "input_invalid" });
    const us = run("us");
    expect(
      us.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { id: "a", aqi: 106, category: "Unhealthy for Sensitive Groups" },
      { id: "b", aqi: 126, category: "Unhealthy for Sensitive Groups" },
      { id: "c", aqi: 56, category: "Moderate" },
      { id: "d", aqi: 123, category: "Unhealthy for Sensitive Groups" },
    ]);
    expect(JSON.parse(run("vn", "vi").stdout.split("\n")[0] as string)).toEqual({ id: "a", aqi: 75, category: "Trung bình" });
    expect(runCli(["aqi"], env).status).toBe(2);
  });
});
