import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/support/temp-dir.js";
import { ConfigError, envName, loadConfig, settingPaths } from "./config.js";

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      bind: "127.0.0.1",
      dataDir: "./var",
      mqtt: { port: 1883, maxPacketBytes: 262144 },
      http: { port: 8080 },
      influx: { db: "ioc", batchSize: 5000 },
      spool: { onFull: "reject" },
    });
    expect(config.influx.url).toBeUndefined();
  });

  it("takes every setting from the environment, typed", () => {
    const config = loadConfig({
      env: {
        IOC_MQTT_PORT: "0",
        IOC_HTTP_PORT: "9090",
        IOC_INFLUX_URL: "http://127.0.0.1:8086",
        IOC_INFLUX_DB: "hue",
        IOC_DATA_DIR: "/tmp/x",
        IOC_BIND: "::1",
        IOC_SPOOL_ON_FULL: "drop-oldest",
      },
    });
    expect(config).toMatchObject({
      mqtt: { port: 0 },
      http: { port: 9090 },
      influx: { url: "http://127.0.0.1:8086", db: "hue" },
      dataDir: "/tmp/x",
      bind: "::1",
      spool: { onFull: "drop-oldest" },
    });
  });

  it("lets the environment override the file", () => {
    const dir = tempDir("config");
    const file = join(dir.path, "hub.json");
    writeFileSync(file, JSON.stringify({ mqtt: { port: 1999 }, influx: { db: "fromfile" } }));
    expect(loadConfig({ file, env: { IOC_MQTT_PORT: "2000" } })).toMatchObject({ mqtt: { port: 2000 }, influx: { db: "fromfile" } });
    dir.remove();
  });

  it("names the bad key", () => {
    const dir = tempDir("config");
    const file = join(dir.path, "hub.json");
    writeFileSync(file, JSON.stringify({ mqtt: { prot: 1 } }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/mqtt\.prot is not a known setting/);
    expect(() => loadConfig({ env: { IOC_MQTT_PORT: "70000" } })).toThrow(/mqtt\.port must be <= 65535 \(from IOC_MQTT_PORT\)/);
    expect(() => loadConfig({ env: { IOC_HTTP_PORT: "eighty" } })).toThrow(/http\.port must be integer \(from IOC_HTTP_PORT\)/);
    expect(() => loadConfig({ env: { IOC_INFLUX_URL: "localhost:8086" } })).toThrow(/influx\.url must match pattern/);
    expect(() => loadConfig({ env: { IOC_INFLUX_TOKEN: "t", IOC_INFLUX_USER: "u" } })).toThrow(ConfigError);
    expect(() =>
      loadConfig({ env: { IOC_RULES_PARTITIONS: "4", IOC_RULES_OWNED_PARTITIONS: "2-5", IOC_MQTT_REDIS_URL: "redis://r" } }),
    ).toThrow(/rules\.ownedPartitions: partition 4 is not below rules\.partitions \(4\)/);
    expect(() => loadConfig({ env: { IOC_RULES_PARTITIONS: "4", IOC_RULES_OWNED_PARTITIONS: "1" } })).toThrow(/no shared broker/);
    expect(() => loadConfig({ env: { IOC_RULES_OWNED_PARTITIONS: "one" } })).toThrow(/rules\.ownedPartitions must match pattern/);
    expect(() => loadConfig({ env: { IOC_MQTT_REDIS_URL: "redis://r", IOC_MQTT_EXTERNAL_URL: "mqtt://m" } })).toThrow(/exclusive/);
    expect(
      loadConfig({ env: { IOC_RULES_PARTITIONS: "4", IOC_RULES_OWNED_PARTITIONS: "1,3", IOC_MQTT_REDIS_URL: "redis://r" } }).rules,
    ).toMatchObject({
      partitions: 4,
      ownedPartitions: "1,3",
    });
    writeFileSync(file, "{ not json");
    expect(() => loadConfig({ file, env: {} })).toThrow(/not valid JSON/);
    dir.remove();
  });

  it("derives environment names from the schema", () => {
    expect(envName(["mqtt", "maxPacketBytes"])).toBe("IOC_MQTT_MAX_PACKET_BYTES");
    expect(envName(["dataDir"])).toBe("IOC_DATA_DIR");
    expect(settingPaths().map((p) => envName(p))).toContain("IOC_INFLUX_PASSWORD");
  });
});
