// The provisioned dashboards and the docker-compose stack, checked offline (Grafana and Docker cannot
// run here): the committed JSON is what the TypeScript boards render; every dashboard validates against
// the Grafana foundation-sdk JSON Schemas in shared/corpus/schemas (with the defects its README lists
// patched, see `load`), plus the rules Grafana enforces at provisioning time; the provisioning YAML and
// docker-compose.yml validate (the compose file against the compose-spec schema, and with Debian's
// `docker-compose config -q` when it is installed).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageRoot } from "../hub/package-root.js";
import { parseOwnedPartitions } from "../ingest/partitions/partition-of.js";
import { boards, dashboardsDir, renderedFiles } from "./build-dashboards.js";
import type { Dashboard } from "./dashboard-model.js";

const schemaDir = join(packageRoot, "..", "shared", "corpus", "schemas");
/** A `${…}` reference as YAML files write it (not a template placeholder). */
const envRef = (expression: string) => `$\{${expression}}`;

/**
 * A corpus schema with the defects its README lists patched — integer lat/lon/opacity, `required`
 * lists of options Grafana defaults, the compose schema's unknown `$schema` — and one more found
 * here: an override's `matcher.options` and a property's `value` are typed `object`, but Grafana's
 * own overrides use strings and numbers there (`{"id": "byName", "options": "critical"}`,
 * `{"id": "unit", "value": "s"}`), so they are relaxed to any JSON value.
 */
function load(name: string, dropRequired = false): Record<string, unknown> {
  let text = readFileSync(join(schemaDir, `${name}.json`), "utf8").replace(/"type":\s*"integer"/g, '"type": "number"');
  const schema = JSON.parse(text) as Record<string, unknown> & { definitions?: Record<string, { properties?: Record<string, unknown> }> };
  delete schema.$schema;
  const defs = schema.definitions;
  if (defs?.MatcherConfig?.properties) defs.MatcherConfig.properties.options = {};
  if (defs?.DynamicConfigValue?.properties) defs.DynamicConfigValue.properties.value = {};
  if (dropRequired) {
    text = JSON.stringify(schema).replace(/"required":\[[^\]]*\],?/g, "");
    return JSON.parse(text.replace(/,}/g, "}")) as Record<string, unknown>;
  }
  return schema;
}

function ajv(): Ajv {
  const instance = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(instance);
  return instance;
}

const committed = readdirSync(dashboardsDir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(".json"))
  .map((e) => join(e.parentPath, e.name));
const dashboards = committed.map(
  (file) => [file.slice(dashboardsDir.length + 1), JSON.parse(readFileSync(file, "utf8")) as Dashboard] as const,
);

describe("dashboards", () => {
  it("are the committed output of the TypeScript boards (npm run dashboards)", () => {
    const rendered = renderedFiles();
    expect([...rendered.keys()].sort()).toEqual([...committed].sort());
    for (const [file, text] of rendered) expect(readFileSync(file, "utf8"), `${file} is stale: run npm run dashboards`).toBe(text);
  });

  it.each(dashboards)("%s validates against the Grafana dashboard and panel schemas", (_, board) => {
    const validator = ajv();
    const dashboard = validator.compile(load("dashboard"));
    // A template variable's `current` is {text, value} here already; Grafana would accept {} too.
    expect(dashboard(board), validator.errorsText(dashboard.errors)).toBe(true);
    const panelSchemas: Record<string, ValidateFunction> = {};
    for (const [type, file] of Object.entries({
      timeseries: "timeseries",
      stat: "stat",
      table: "table",
      "state-timeline": "statetimeline",
      geomap: "geomap",
    })) {
      const definitions = (load(file, true) as { definitions: Record<string, unknown> }).definitions;
      panelSchemas[type] = validator.compile({ $ref: "#/definitions/Options", definitions });
    }
    for (const panel of board.panels) {
      const check = panelSchemas[panel.type];
      expect(check, `panel type ${panel.type} has a schema`).toBeDefined();
      expect(check?.(panel.options), `${board.uid} panel ${panel.id} "${panel.title}": ${validator.errorsText(check?.errors)}`).toBe(true);
    }
  });

  it.each(dashboards)("%s follows Grafana's provisioning rules and uses only defined variables", (_, board) => {
    expect(board.uid.length).toBeLessThanOrEqual(40);
    expect(board.schemaVersion).toBe(41);
    const ids = board.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const defined = new Set(board.templating.list.map((v) => v.name));
    for (const panel of board.panels) {
      expect(panel.gridPos.x + panel.gridPos.w, `${panel.title} fits 24 columns`).toBeLessThanOrEqual(24);
      expect(panel.datasource.uid).toBe("ioc-influxdb");
      for (const t of panel.targets) {
        expect(t.query, `${panel.title}: time-bounded`).toMatch(/\$timeFilter/);
        for (const [, name] of t.query.matchAll(/\$(\w+)/g)) {
          if (name === "timeFilter" || name === "__interval") continue;
          expect(defined.has(name as string), `${panel.title} uses $${name}`).toBe(true);
        }
        // No hard-coded station or vessel ids: subjects are selected by variables only.
        expect(t.query).not.toMatch(/"(station|vessel|subject)"\s*=\s*'/);
      }
    }
  });

  it("have unique uids and titles across the folders", () => {
    const all = Object.values(boards).flat();
    expect(new Set(all.map((b) => b.uid)).size).toBe(all.length);
    expect(new Set(all.map((b) => b.title)).size).toBe(all.length);
  });
});

describe("Grafana provisioning", () => {
  const provisioning = join(packageRoot, "dashboards", "provisioning");

  it("declares the InfluxDB datasource the panels use, in InfluxQL mode, with its database from the environment", () => {
    const doc = parse(readFileSync(join(provisioning, "datasources", "influxdb.yaml"), "utf8")) as {
      apiVersion: number;
      datasources: { uid: string; type: string; jsonData: { dbName: string; version?: string } }[];
    };
    expect(doc.apiVersion).toBe(1);
    expect(doc.datasources).toHaveLength(1);
    expect(doc.datasources[0]).toMatchObject({ uid: "ioc-influxdb", type: "influxdb", jsonData: { dbName: envRef("INFLUX_DB") } });
    expect(doc.datasources[0]?.jsonData.version).toBeUndefined();
  });

  it("provisions the dashboards from files, one folder per user group", () => {
    const doc = parse(readFileSync(join(provisioning, "dashboards", "ioc.yaml"), "utf8")) as {
      providers: { type: string; folder?: string; folderUid?: string; options: { path: string; foldersFromFilesStructure: boolean } }[];
    };
    const [provider] = doc.providers;
    expect(provider).toMatchObject({ type: "file", options: { path: "/var/lib/grafana/dashboards", foldersFromFilesStructure: true } });
    // Grafana refuses folder/folderUid together with foldersFromFilesStructure.
    expect(provider?.folder).toBeUndefined();
    expect(provider?.folderUid).toBeUndefined();
    expect(readdirSync(dashboardsDir).sort()).toEqual(["Environment", "Fisheries", "Operations", "Operators"]);
  });
});

describe("docker-compose.yml", () => {
  const composeFile = join(packageRoot, "docker-compose.yml");
  const compose = parse(readFileSync(composeFile, "utf8")) as {
    services: Record<string, { image?: string; volumes?: string[]; environment?: Record<string, string>; profiles?: string[] }>;
    volumes: Record<string, unknown>;
  };

  it("validates against the compose-spec schema", () => {
    const validator = ajv();
    const validate = validator.compile(load("compose-spec"));
    expect(validate(compose), validator.errorsText(validate.errors)).toBe(true);
  });

  it("pins every image, keeps all state in volumes, mounts the provisioning, and has every variable in .env.example", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image) expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
    }
    expect(compose.services.influxdb?.image).toBe("influxdb:1.8.10");
    expect(Object.keys(compose.volumes).sort()).toEqual(["grafana-data", "hub-data", "influxdb-data"]);
    expect(compose.services.grafana?.volumes).toContain("./dashboards/provisioning:/etc/grafana/provisioning:ro");
    expect(compose.services.grafana?.environment?.GF_AUTH_ANONYMOUS_ENABLED).toBe(envRef("GRAFANA_ANONYMOUS_ENABLED:-false"));
    expect(compose.services.demo?.profiles).toEqual(["simulators"]);
    for (const mount of Object.values(compose.services).flatMap((s) => s.volumes ?? [])) {
      const source = mount.split(":")[0] as string;
      if (source.startsWith("./")) expect(existsSync(join(packageRoot, source)), source).toBe(true);
    }
    const example = readFileSync(join(packageRoot, ".env.example"), "utf8");
    const used = new Set([...readFileSync(composeFile, "utf8").matchAll(/\$\{(\w+)/g)].map((m) => m[1]));
    for (const name of used) expect(example, `.env.example has ${name}`).toMatch(new RegExp(`^${name}=`, "m"));
  });

  it("passes docker-compose config -q where Debian's docker-compose is installed", () => {
    composeConfigQuiet([composeFile]);
  });

  it("builds the image of this version", () => {
    const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
    expect(compose.services.hub?.image).toBe(`ioc-hub:${version}`);
    expect(compose.services.demo?.image).toBe(`ioc-hub:${version}`);
  });
});

/** `docker-compose -f … config -q` with .env.example's values, where Debian's docker-compose is installed. */
function composeConfigQuiet(files: string[]): void {
  const probe = spawnSync("docker-compose", ["version"], { encoding: "utf8" });
  if (probe.error) {
    // Not installed on this machine: the schema checks are the check.
    expect((probe.error as NodeJS.ErrnoException).code).toBe("ENOENT");
    return;
  }
  const env = Object.fromEntries(
    readFileSync(join(packageRoot, ".env.example"), "utf8")
      .split("\n")
      .filter((l) => /^\w+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  const run = spawnSync("docker-compose", [...files.flatMap((f) => ["-f", f]), "config", "-q"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  expect(run.status, run.stderr).toBe(0);
}

describe("docker-compose.scale.yml (two hubs on shared aedes, HAProxy in front)", () => {
  const baseFile = join(packageRoot, "docker-compose.yml");
  const scaleFile = join(packageRoot, "docker-compose.scale.yml");
  const scale = parse(readFileSync(scaleFile, "utf8")) as {
    services: Record<string, { image?: string; volumes?: string[]; environment?: Record<string, string> }>;
  };

  it("validates against the compose-spec schema, pins its images, and has every variable in .env.example", () => {
    const validator = ajv();
    const validate = validator.compile(load("compose-spec"));
    expect(validate(scale), validator.errorsText(validate.errors)).toBe(true);
    for (const [name, service] of Object.entries(scale.services)) {
      if (service.image) expect(service.image, name).toMatch(/:[0-9][\w.-]*$/);
    }
    const example = readFileSync(join(packageRoot, ".env.example"), "utf8");
    for (const [, name] of readFileSync(scaleFile, "utf8").matchAll(/\$\{(\w+)/g)) {
      expect(example, `.env.example has ${name}`).toMatch(new RegExp(`^${name}=`, "m"));
    }
    composeConfigQuiet([baseFile, scaleFile]);
  });

  it("gives both hubs the same Redis and partition count, and their owned partitions cover every partition once", () => {
    const hubs = [scale.services.hub?.environment ?? {}, scale.services["hub-b"]?.environment ?? {}];
    expect(new Set(hubs.map((e) => e.IOC_MQTT_REDIS_URL)).size).toBe(1);
    expect(hubs[0]?.IOC_MQTT_REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
    const partitions = Number(hubs[0]?.IOC_RULES_PARTITIONS);
    expect(hubs[1]?.IOC_RULES_PARTITIONS).toBe(String(partitions));
    const owned = hubs.flatMap((e) => [...parseOwnedPartitions(e.IOC_RULES_OWNED_PARTITIONS ?? "", partitions)]);
    expect(owned.sort((a, b) => a - b)).toEqual(Array.from({ length: partitions }, (_, i) => i));
  });

  it("balances MQTT over both hub services", () => {
    const mount = scale.services["mqtt-lb"]?.volumes?.[0] ?? "";
    const config = readFileSync(join(packageRoot, mount.split(":")[0] as string), "utf8");
    const servers = [...config.matchAll(/^\s*server \S+ (\S+):1883/gm)].map((m) => m[1]);
    expect(servers.sort()).toEqual(["hub", "hub-b"]);
    expect(config).toMatch(/mode tcp/);
  });

  it("sends the PROXY protocol to both hubs, which trust the load balancer's fixed address and no other", () => {
    const mount = scale.services["mqtt-lb"]?.volumes?.[0] ?? "";
    const config = readFileSync(join(packageRoot, mount.split(":")[0] as string), "utf8");
    expect([...config.matchAll(/^\s*server \S+ \S+:1883 .*$/gm)].map((m) => /\bsend-proxy-v2\b/.test(m[0]))).toEqual([true, true]);
    const lbAddress = (scale.services["mqtt-lb"] as { networks?: { default?: { ipv4_address?: string } } }).networks?.default?.ipv4_address;
    expect(lbAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    for (const hub of ["hub", "hub-b"]) expect(scale.services[hub]?.environment?.IOC_MQTT_TRUSTED_PROXIES, hub).toBe(lbAddress);
  });
});
