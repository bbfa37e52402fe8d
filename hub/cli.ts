#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=256 --heap-growing-percent=60
// ioc-hub: the command line. `start` runs the hub; `devices` manages device credentials.
// The old-space cap in the line above keeps V8 from letting short-lived message garbage grow the
// heap to hundreds of MB under load (measured: peak RSS 300 → 170 MB at 50,000 readings/s offered);
// the hub's live state is small and its backlog is on disk, not in memory. But under a 256 MB cap
// V8 grows the heap by only ~1.3× after each full collection, and a burst of messages in flight
// (300,000 SenML readings) ran 8–10 full collections from start-up on, whose concurrent marking took
// a core from the writer and influxd; growing by 1.6× runs 5, and measured +6–8 % end to end for
// ~5 MB more peak RSS (paid for by loading the scale-out and serial modules only when configured).
// MALLOC_ARENA_MAX=2: glibc gives each thread that allocates (V8's helpers, libuv's pool) its own
// malloc arena, whose freed pages stay resident; under sustained load the hub's RSS crept from 177
// to ~200 MB in a minute at 50,000 readings/s offered while the V8 heap stayed at ~85 MB. With two
// arenas: 156 → 174 MB, throughput unchanged (README, memory). `env` sets it for this process only.
// First: before any dependency requires `debug` (see silent-debug.ts).
import "./silent-debug.js";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type DeviceKind, type Role, deviceKinds, roles } from "../broker/acl.js";
import { DeviceRegistry, RegistryError } from "../broker/device-registry.js";
import { ApiTokenError, ApiTokens, type TokenRole, tokenRoles } from "../api/api-tokens.js";
import { openDatabase } from "../store/database.js";
import { ConfigError, type HubConfig, loadConfig } from "./config.js";
import { SchemaRegistry } from "../ingest/schema-registry.js";
import { readVesselFile } from "../vessels/vessel-import-file.js";
import { VesselError, VesselRegistry } from "../vessels/vessel-registry.js";
import { createLogger } from "./logger.js";
// Each command loads its own modules (below, on use): `start` does not carry the simulators, the
// adapter tools or the decoders' command line, and `devices add` does not load the hub.

const usage = `Usage: ioc-hub <command> [options]

Commands:
  start                                   run the hub (broker, ingest, InfluxDB writer, HTTP API)
  devices add <id> --kind <kind>          register a device and print its password once
          [--role device|operator|integration] [--json]
  devices list [--json]                   list registered devices
  devices disable <id> | enable <id>      refuse or allow a device's connections
  devices rotate <id> [--json]            issue a new password (the old one stops working)
  devices export                          every account with its password hash, as JSON (for other instances)
  devices import <file>                   add or replace accounts from an export (- reads stdin)
  tokens add <name> --role <role> [--json] create an API token (operator, fisheries, environment, admin); printed once
  tokens list [--json] | tokens revoke <id>
  decode ais [file]                       decode AIS NMEA (stdin without a file) to JSON lines, errors to stderr
  zones check --zones <file-or-dir> [positions.jsonl]
                                          which zones contain each {"id","lat","lon"} line, and the nearest boundary
  aqi --standard vn|us [--lang en|vi] [readings.jsonl]
                                          the AQI of each {"id","pollutant","avg","value","unit"} line
  simulate --scenario hue-coast --seed <n> [--duration 14h] [--start <time>] [--out file.jsonl]
           [--mqtt url --devices devices.json] [--serial /dev/ttyX] [--speed 60]
  simulate load --devices N --rate R --mix air,water,ais,vms [--duration 30s] --mqtt mqtt://127.0.0.1:port
                                          the simulated Huế fleet: messages to a file (with its answer key) or to a hub
  certs dev [--out dir] [--device id]…    a local CA, a server certificate and device client certificates (testing TLS)
  adapter list [--json]                   the serial, UDP, TCP and Modbus adapters of the config
  adapter run <id> (--mqtt url --username u --password=p | --print)
                                          one adapter in its own process: forward to a hub, or print what it decodes
  vessels import <file.csv|file.json>     add or update registered vessels (all or nothing)
  vessels list [--json]                   registered vessels

Options:
  --config <file>   JSON configuration file (also IOC_CONFIG); every key can be set from the environment
  --help            this text

Kinds: ${deviceKinds.join(", ")}. Roles: ${roles.join(", ")}.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`ioc-hub: ${message}\n`);
  process.exit(code);
}

async function runStart(config: HubConfig): Promise<void> {
  const log = createLogger(config.logLevel);
  const { startHub } = await import("./main.js");
  const { StationsFileError } = await import("./stations-file.js");
  const { RulesConfigError } = await import("../alerts/rules-config.js");
  let hub: Awaited<ReturnType<typeof startHub>>;
  try {
    hub = await startHub(config, log);
  } catch (error) {
    // A bad stations or rules file: said as a configuration error, not as a crash.
    if (error instanceof StationsFileError || error instanceof RulesConfigError) fail(error.message);
    throw error;
  }
  process.stdout.write(`ioc-hub ports: ${JSON.stringify(hub.ports)}\n`);
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1);
    log.info({ signal }, "shutting down");
    hub.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  // SIGHUP: re-read the TLS certificate and key (after a renewal) without dropping anyone.
  process.on("SIGHUP", () => hub.reloadTls());
}

async function runDevices(config: HubConfig, args: string[], json: boolean, kind?: string, role?: string): Promise<void> {
  const [action, id] = args;
  const db = openDatabase(config.dataDir);
  const registry = new DeviceRegistry(db);
  const print = (value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  try {
    switch (action) {
      case "add": {
        if (!id) fail("devices add needs an id");
        if (role !== undefined && !roles.includes(role as Role)) fail(`--role must be one of ${roles.join(", ")}`);
        const { device, password } = await registry.add(id, { kind: kind as DeviceKind | undefined, role: role as Role | undefined });
        print({ ...device, password }, `device: ${device.id}\nrole: ${device.role}\nkind: ${device.kind ?? "-"}\npassword: ${password}`);
        break;
      }
      case "list": {
        const devices = registry.list();
        print(
          devices,
          devices.length === 0
            ? "no devices"
            : devices
                .map((d) => `${d.id}\t${d.role}\t${d.kind ?? "-"}\t${d.disabled ? "disabled" : "enabled"}\trotated ${d.rotatedAt}`)
                .join("\n"),
        );
        break;
      }
      case "disable":
      case "enable": {
        if (!id) fail(`devices ${action} needs an id`);
        const device = registry.setDisabled(id, action === "disable");
        print(device, `${device.id}: ${device.disabled ? "disabled" : "enabled"}`);
        break;
      }
      case "rotate": {
        if (!id) fail("devices rotate needs an id");
        const { device, password } = await registry.rotate(id);
        print({ ...device, password }, `device: ${device.id}\npassword: ${password}`);
        break;
      }
      case "export":
        process.stdout.write(`${JSON.stringify(registry.exportRecords(), null, 2)}\n`);
        break;
      case "import": {
        if (!id) fail("devices import needs a file (or - for stdin)");
        let records: unknown;
        try {
          records = JSON.parse(readFileSync(id === "-" ? 0 : id, "utf8"));
        } catch (error) {
          fail(`devices import: ${(error as Error).message}`);
        }
        const result = registry.importRecords(records);
        print(result, `imported: ${result.added} added, ${result.replaced} replaced`);
        break;
      }
      default:
        fail(`unknown devices command "${action ?? ""}"\n\n${usage}`);
    }
  } catch (error) {
    if (error instanceof RegistryError) fail(error.message);
    throw error;
  } finally {
    db.close();
  }
}

async function runTokens(config: HubConfig, args: string[], json: boolean, role?: string): Promise<void> {
  const [action, arg] = args;
  const db = openDatabase(config.dataDir);
  const tokens = new ApiTokens(db);
  const print = (value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
  try {
    if (action === "add") {
      if (!arg) fail("tokens add needs a name");
      if (!tokenRoles.includes(role as TokenRole)) fail(`tokens add needs --role ${tokenRoles.join("|")}`);
      const { token, secret } = await tokens.add(arg, role as TokenRole);
      print({ ...token, token: secret }, `id: ${token.id}\nname: ${token.name}\nrole: ${token.role}\ntoken: ${secret}`);
    } else if (action === "list") {
      const list = tokens.list();
      print(
        list,
        list.map((t) => `${t.id}\t${t.name}\t${t.role}\t${t.revokedAt ? `revoked ${t.revokedAt}` : "active"}`).join("\n") || "no tokens",
      );
    } else if (action === "revoke") {
      if (!arg) fail("tokens revoke needs a token id");
      const token = tokens.revoke(arg);
      print(token, `${token.id}: revoked`);
    } else {
      fail(`unknown tokens command "${action ?? ""}"\n\n${usage}`);
    }
  } catch (error) {
    if (error instanceof ApiTokenError) fail(error.message);
    throw error;
  } finally {
    db.close();
  }
}

async function runVessels(config: HubConfig, args: string[], json: boolean): Promise<void> {
  const [action, file] = args;
  const db = openDatabase(config.dataDir);
  const registry = new VesselRegistry(db, new SchemaRegistry(), new RegExp(config.vessels.registrationPattern, "u"));
  try {
    if (action === "import") {
      if (!file) fail("vessels import needs a CSV or JSON file");
      let records: unknown[];
      try {
        records = readVesselFile(file);
      } catch (error) {
        fail(`cannot read ${file}: ${(error as Error).message}`);
      }
      const result = registry.import(records);
      process.stdout.write(json ? `${JSON.stringify(result)}\n` : `imported ${result.created} new and ${result.updated} updated vessels\n`);
    } else if (action === "list") {
      const vessels = registry.list();
      process.stdout.write(
        json
          ? `${JSON.stringify(vessels)}\n`
          : `${vessels.map((v) => `${v.id}\t${v.name}\t${v.lengthM} m\tMMSI ${v.mmsi ?? "-"}\tVMS ${v.vmsDeviceId ?? "-"}\t${v.status}`).join("\n") || "no vessels"}\n`,
      );
    } else {
      fail(`unknown vessels command "${action ?? ""}"\n\n${usage}`);
    }
  } catch (error) {
    if (error instanceof VesselError) fail(error.message);
    throw error;
  } finally {
    db.close();
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: "string" },
      kind: { type: "string" },
      role: { type: "string" },
      json: { type: "boolean", default: false },
      zones: { type: "string" },
      standard: { type: "string" },
      scenario: { type: "string" },
      seed: { type: "string" },
      duration: { type: "string" },
      start: { type: "string" },
      speed: { type: "string" },
      out: { type: "string" },
      mqtt: { type: "string" },
      devices: { type: "string" },
      serial: { type: "string" },
      rate: { type: "string" },
      mix: { type: "string" },
      lang: { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      print: { type: "boolean", default: false },
      device: { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command || command === "help") {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === "decode") {
    const { runDecodeCommand } = await import("./decode-command.js");
    process.exitCode = await runDecodeCommand(rest);
    return;
  }
  if (command === "simulate") {
    const loadConfigValues = rest[0] === "load" ? { dataDir: loadConfig({ file: values.config }).dataDir } : {};
    // `simulate load --devices N` is a count; elsewhere --devices is the credentials file.
    const { runSimulateCommand } = await import("../simulators/simulate-command.js");
    process.exitCode = await runSimulateCommand(
      { ...values, device: undefined, ...loadConfigValues, ...(rest[0] === "load" && { count: values.devices }) },
      rest,
    );
    return;
  }
  if (command === "aqi") {
    const { runAqiCommand } = await import("./aqi-command.js");
    process.exitCode = await runAqiCommand(rest, values.standard, values.lang);
    return;
  }
  if (command === "certs") {
    const { runCertsCommand } = await import("./certs-command.js");
    process.exitCode = runCertsCommand(rest, { out: values.out, device: values.device });
    return;
  }
  if (command === "zones") {
    const { runZonesCommand } = await import("./zones-command.js");
    process.exitCode = await runZonesCommand(rest, values.zones);
    return;
  }
  let config: HubConfig;
  try {
    config = loadConfig({ file: values.config });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  switch (command) {
    case "start":
      return runStart(config);
    case "devices":
      return runDevices(config, rest, values.json ?? false, values.kind, values.role);
    case "vessels":
      return runVessels(config, rest, values.json ?? false);
    case "tokens":
      return runTokens(config, rest, values.json ?? false, values.role);
    case "adapter": {
      const { runAdapterCommand } = await import("./adapter-command.js");
      process.exitCode = await runAdapterCommand(config, rest, values);
      return;
    }
    default:
      fail(`unknown command "${command}"\n\n${usage}`);
  }
}

main().catch((error: Error & { code?: string }) => {
  if (error.code?.startsWith("ERR_PARSE_ARGS")) fail(error.message);
  process.stderr.write(`ioc-hub: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
