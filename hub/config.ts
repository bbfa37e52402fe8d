// The hub's configuration: one JSON file, every key also settable from the environment
// (IOC_<PATH_IN_SNAKE_CASE>, e.g. mqtt.maxPacketBytes ← IOC_MQTT_MAX_PACKET_BYTES), validated once
// at start-up with ajv. Validation never connects to anything.
import { parseOwnedPartitions } from "../ingest/partitions/partition-of.js";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { type AdapterConfig, adapterConfigProblems, adapterSchema, withAdapterDefaults } from "../adapters/adapter-config.js";
import { trustedProxies } from "../broker/trusted-proxies.js";

export const configSchema = {
  $id: "ioc-hub-config",
  type: "object",
  additionalProperties: false,
  properties: {
    bind: { type: "string", default: "127.0.0.1", description: "address every listener binds to" },
    dataDir: { type: "string", default: "./var", description: "spool, dead letters, device registry, managed influxd" },
    logLevel: { enum: ["trace", "debug", "info", "warn", "error", "fatal", "silent"], default: "info" },
    mqtt: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        port: { type: "integer", minimum: 0, maximum: 65535, default: 1883, description: "MQTT over TCP; 0 picks a free port" },
        plain: { type: "boolean", default: true, description: "the plain (unencrypted) MQTT listener; false leaves only MQTT over TLS" },
        maxPacketBytes: { type: "integer", minimum: 1024, default: 262144, description: "larger packets close the connection" },
        publishRatePerSecond: { type: "number", exclusiveMinimum: 0, default: 200, description: "sustained publishes per device" },
        external: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            url: {
              type: "string",
              pattern: "^(mqtts?|wss?)://",
              description: "external broker (MQTT 5): the embedded broker is off and this hub is an ingest worker (docs/scaling.md)",
            },
            username: { type: "string", description: "the worker's account on the external broker" },
            password: { type: "string", description: "its password" },
            shareGroup: {
              type: "string",
              pattern: "^[^/+#]+$",
              default: "ioc-ingest",
              description: "shared-subscription group of the ingest workers",
            },
            clientId: {
              type: "string",
              description: "the worker's stable client id (its session); default: ioc-ingest-<host>-<hash of dataDir>",
            },
            connections: {
              type: "integer",
              minimum: 1,
              maximum: 256,
              default: 16,
              description: "connections per worker in the share group: messages stored at once (each waits for the durable spool)",
            },
            sessionExpirySeconds: {
              type: "integer",
              minimum: 60,
              default: 86400,
              description: "how long the external broker keeps a stopped worker's session and its unacknowledged messages",
            },
          },
        },
        redis: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            url: {
              type: "string",
              pattern: "^rediss?://",
              description:
                "shared aedes: instances with the same Redis share subscriptions, retained messages and QoS 1 sessions (docs/scaling.md)",
            },
            maxSessionDelivery: {
              type: "integer",
              minimum: 1,
              default: 1000,
              description: "queued QoS 1 messages handed to a persistent session when it reconnects",
            },
          },
        },
        maxConnections: {
          type: "integer",
          minimum: 1,
          default: 5000,
          description:
            "open MQTT connections (TCP, TLS, WebSocket) in all; more are closed at once (~21 KB of heap each: the cap keeps a flood within the heap)",
        },
        maxConnectionsPerIp: {
          type: "integer",
          minimum: 1,
          default: 1000,
          description: "open MQTT connections (TCP, TLS, WebSocket) from one address; more are closed at once",
        },
        maxTopicLength: {
          type: "integer",
          minimum: 32,
          maximum: 65535,
          default: 256,
          description: "longest topic or filter, in characters",
        },
        maxTopicLevels: {
          type: "integer",
          minimum: 3,
          maximum: 64,
          default: 10,
          description: "most levels (`/`-separated) in a topic or filter",
        },
        trustedProxies: {
          type: "string",
          default: "",
          description:
            "TCP proxies (comma-separated addresses and CIDR ranges) whose MQTT connections start with a PROXY protocol v1/v2 header: the device address it names counts for the per-address limits and the logs (MQTT over TCP and TLS; with TLS the header comes before the handshake)",
        },
        connectTimeoutMs: {
          type: "integer",
          minimum: 500,
          default: 10000,
          description: "a connection that has not sent CONNECT by then is closed (CONNECT floods, idle sockets)",
        },
        drainTimeoutMs: {
          type: "integer",
          minimum: 500,
          default: 60000,
          description: "a subscriber that does not read what it is sent for this long is disconnected (slow or frozen clients)",
        },
        publishBurst: {
          type: "integer",
          minimum: 1,
          default: 2000,
          description: "publishes a device may send at once before the rate applies",
        },
      },
    },
    http: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        port: { type: "integer", minimum: 0, maximum: 65535, default: 8080, description: "REST, metrics and MQTT over WebSocket at /mqtt" },
        plain: { type: "boolean", default: true, description: "the plain HTTP listener; false leaves only HTTPS (tls.httpsPort)" },
        trustedProxies: {
          type: "string",
          default: "",
          description:
            "reverse proxies (comma-separated addresses and CIDR ranges) whose X-Forwarded-For is believed: the client address it gives counts for the login lockout, the per-address WebSocket connection limit and the logs",
        },
      },
    },
    influx: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: "string", pattern: "^https?://", description: "external InfluxDB; unset = the hub manages its own influxd" },
        db: {
          type: "string",
          minLength: 1,
          default: "ioc",
          description: "database (1.x), or bucket through the v1 compatibility API (2.x/3.x)",
        },
        rp: { type: "string", minLength: 1, description: "retention policy; unset = the database default" },
        user: { type: "string", description: "InfluxDB 1.x user (HTTP Basic auth)" },
        password: { type: "string", description: "that user's password" },
        token: { type: "string", description: "InfluxDB 2.x/3.x token (Authorization: Token)" },
        influxdPath: { type: "string", default: "influxd", description: "binary used when the hub manages InfluxDB" },
        batchSize: { type: "integer", minimum: 1, maximum: 50000, default: 5000, description: "points per write" },
        flushIntervalMs: { type: "integer", minimum: 0, maximum: 1000, default: 100, description: "longest wait to fill a batch" },
        concurrency: { type: "integer", minimum: 1, maximum: 16, default: 4, description: "batches written at once (committed in order)" },
        gzip: {
          enum: ["auto", "always", "never"],
          default: "auto",
          description: "compress write bodies; auto: not when InfluxDB is on loopback",
        },
        timeoutMs: { type: "integer", minimum: 100, default: 10000, description: "timeout of one HTTP request to InfluxDB" },
        selfMetricsIntervalMs: {
          type: "integer",
          minimum: 0,
          default: 10000,
          description: "how often the hub writes its own counters as the `hub` measurement; 0 = never",
        },
        maxRetryDelayMs: {
          type: "integer",
          minimum: 100,
          default: 30000,
          description:
            "cap of the exponential backoff after a failed write (while InfluxDB cannot be reached at all, a /ping every second ends it early)",
        },
      },
    },
    spool: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        maxBytes: { type: "integer", minimum: 1048576, default: 1073741824, description: "cap on unwritten data on disk" },
        warnRatio: {
          type: "number",
          minimum: 0.1,
          maximum: 1,
          default: 0.8,
          description: "warn in the log when the spool passes this share of maxBytes",
        },
        onFull: {
          enum: ["reject", "drop-oldest"],
          default: "reject",
          description: "reject: refuse new data (never loses accepted data); drop-oldest: discard the oldest unwritten segment",
        },
        segmentBytes: { type: "integer", minimum: 65536, default: 16777216, description: "size of one spool file" },
        commit: {
          enum: ["inline", "threadpool"],
          default: "threadpool",
          description:
            "threadpool: the durable write of a group runs off the event loop, which goes on with the next group; inline: on the loop (a turn less latency, the loop waits for the disk)",
        },
      },
    },
    deadLetter: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        maxFileBytes: { type: "integer", minimum: 4096, default: 16777216, description: "the dead-letter log rotates at this size" },
        maxFiles: { type: "integer", minimum: 1, default: 10, description: "dead-letter files kept" },
      },
    },
    vessels: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        registrationPattern: {
          type: "string",
          default: "^[A-ZĐ][A-Za-zĐđ]{1,3}-\\d{5}-TS$",
          description: "registration numbers the register accepts (Circular 23/2018 Art. 20: <PROVINCE>-<5 digits>-TS)",
        },
      },
    },
    zones: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        dir: { type: "string", description: "folder of zone GeoJSON files; unset = the zones shipped with the hub (zones/)" },
        landFile: {
          type: "string",
          description: "land polygon GeoJSON (fixes on land, distance from shore); unset = geofence/land/hue-land.geojson",
        },
      },
    },
    stations: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        file: {
          type: "string",
          description:
            "the province's air and water stations, GeoJSON points with id, name and kind, for the console's map; unset = dashboards/maps/ioc-stations.geojson",
        },
      },
    },
    rules: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        file: {
          type: "string",
          description: "rules config (JSON, schema rules-config); unset = alerts/default-rules.json; PUT /api/v1/rules overrides both",
        },
        tickIntervalMs: {
          type: "integer",
          minimum: 100,
          default: 30000,
          description: "how often timer rules (offline) and escalations run",
        },
        stateFlushIntervalMs: { type: "integer", minimum: 100, default: 5000, description: "how often rule state is saved for restarts" },
        forgetUnregisteredVesselsAfterHours: {
          type: "integer",
          minimum: 1,
          default: 264,
          description:
            "rule state and the transmitters-list entry of a transmitter not in the register are dropped once it has been silent this long (ships passing a receiver would otherwise accumulate); its open alerts stay open",
        },
        partitions: {
          type: "integer",
          minimum: 1,
          maximum: 1024,
          default: 1,
          description: "partitions of the subject space (stations, vessels) for rule state across instances (docs/scaling.md)",
        },
        ownedPartitions: {
          type: "string",
          pattern: "^(all|\\d+(-\\d+)?(,\\d+(-\\d+)?)*)$",
          default: "all",
          description: "partitions whose rules this instance runs, e.g. 0-3,8; the others go to their owners over MQTT",
        },
        partitionGroup: {
          type: "string",
          pattern: "^[A-Za-z0-9_-]+$",
          default: "ioc-rules",
          description: "names the partition topics and sessions; one per deployment sharing a broker",
        },
      },
    },
    alerts: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        reopenWindowMs: {
          type: "integer",
          minimum: 0,
          default: 1800000,
          description: "a raise this soon after a clear reopens the same alert",
        },
        flapWindowMs: { type: "integer", minimum: 1000, default: 3600000, description: "window in which reopens count as flapping" },
        flapThreshold: {
          type: "integer",
          minimum: 2,
          default: 4,
          description: "reopens within the window that make an alert flapping (muted)",
        },
        renotifyEveryMs: {
          type: "integer",
          minimum: 1000,
          default: 900000,
          description: "an unacknowledged critical alert is re-sent this often",
        },
        escalateAfterMs: {
          type: "integer",
          minimum: 1000,
          default: 1800000,
          description: "an unacknowledged critical alert goes to the escalation channel after this",
        },
        evidenceLimit: { type: "integer", minimum: 1, default: 20, description: "observations kept as an alert's evidence" },
        webhookMaxRetryDelayMs: {
          type: "integer",
          minimum: 100,
          default: 60000,
          description: "longest wait between two delivery attempts to a failing webhook (backoff doubles from 1 s up to this)",
        },
        webhookMaxAgeMs: {
          type: "integer",
          minimum: 1000,
          default: 86400000,
          description: "a webhook delivery still failing after this goes to the webhook dead-letter list",
        },
        retentionDays: {
          type: "integer",
          minimum: 0,
          default: 365,
          description:
            "alerts that ended (closed, or cleared unattended) are deleted with their audit trail this many days after, and webhook dead letters this old; 0 keeps them for good",
        },
      },
    },
    ingest: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        maxBatchReadings: { type: "integer", minimum: 1, default: 1000, description: "readings per message" },
        maxFutureMs: {
          type: "integer",
          minimum: 0,
          default: 300000,
          description: "observation time may lead the hub's clock by this much",
        },
        maxPastMs: { type: "integer", minimum: 0, default: 2592000000, description: "older observations are rejected (30 days)" },
        maxJsonDepth: { type: "integer", minimum: 2, default: 16, description: "deeper JSON is refused before it is parsed" },
      },
    },
    tls: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        certFile: {
          type: "string",
          description: "server certificate (PEM, chain included); with keyFile it turns on MQTT over TLS and HTTPS/WSS",
        },
        keyFile: { type: "string", description: "the server certificate's private key (PEM)" },
        caFile: { type: "string", description: "CA that signs device client certificates (mutual TLS)" },
        mqttPort: { type: "integer", minimum: 0, maximum: 65535, default: 8883, description: "MQTT over TLS; 0 picks a free port" },
        httpsPort: {
          type: "integer",
          minimum: 0,
          maximum: 65535,
          default: 8443,
          description: "HTTPS and WSS (REST, console, /mqtt); 0 picks a free port",
        },
        clientCerts: {
          enum: ["off", "optional", "required"],
          default: "optional",
          description:
            "device client certificates (with caFile): a valid one (CN = device id) logs the device in without a password; required refuses TLS clients without one",
        },
      },
    },
    security: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        loginMaxFailuresPerId: {
          type: "integer",
          minimum: 1,
          default: 5,
          description: "failed logins of one device id or account (MQTT, REST) within loginWindowMs before it is locked out",
        },
        loginMaxFailuresPerIp: {
          type: "integer",
          minimum: 1,
          default: 30,
          description: "failed logins (passwords and API tokens) from one client address within loginWindowMs before it is locked out",
        },
        loginWindowMs: { type: "integer", minimum: 1000, default: 900000, description: "window in which failed logins are counted" },
        lockoutMs: { type: "integer", minimum: 1000, default: 60000, description: "first lockout; each repeat doubles it" },
        maxLockoutMs: { type: "integer", minimum: 1000, default: 3600000, description: "longest lockout" },
      },
    },
    adapters: {
      type: "array",
      default: [],
      items: adapterSchema,
      description: "serial ports, sockets and Modbus buses the hub reads (docs/adapters.md); config file only",
    },
  },
} as const;

export interface HubConfig {
  bind: string;
  dataDir: string;
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";
  mqtt: {
    port: number;
    plain: boolean;
    maxPacketBytes: number;
    publishRatePerSecond: number;
    publishBurst: number;
    external: {
      url?: string;
      username?: string;
      password?: string;
      shareGroup: string;
      clientId?: string;
      connections: number;
      sessionExpirySeconds: number;
    };
    redis: { url?: string; maxSessionDelivery: number };
    maxConnections: number;
    maxConnectionsPerIp: number;
    trustedProxies: string;
    maxTopicLength: number;
    maxTopicLevels: number;
    connectTimeoutMs: number;
    drainTimeoutMs: number;
  };
  http: { port: number; plain: boolean; trustedProxies: string };
  tls: {
    certFile?: string;
    keyFile?: string;
    caFile?: string;
    mqttPort: number;
    httpsPort: number;
    clientCerts: "off" | "optional" | "required";
  };
  influx: {
    url?: string;
    db: string;
    rp?: string;
    user?: string;
    password?: string;
    token?: string;
    influxdPath: string;
    batchSize: number;
    flushIntervalMs: number;
    concurrency: number;
    gzip: "auto" | "always" | "never";
    timeoutMs: number;
    selfMetricsIntervalMs: number;
    maxRetryDelayMs: number;
  };
  spool: { maxBytes: number; warnRatio: number; onFull: "reject" | "drop-oldest"; segmentBytes: number; commit: "inline" | "threadpool" };
  deadLetter: { maxFileBytes: number; maxFiles: number };
  ingest: { maxBatchReadings: number; maxFutureMs: number; maxPastMs: number; maxJsonDepth: number };
  vessels: { registrationPattern: string };
  zones: { dir?: string; landFile?: string };
  stations: { file?: string };
  rules: {
    file?: string;
    tickIntervalMs: number;
    stateFlushIntervalMs: number;
    forgetUnregisteredVesselsAfterHours: number;
    partitions: number;
    ownedPartitions: string;
    partitionGroup: string;
  };
  alerts: {
    reopenWindowMs: number;
    flapWindowMs: number;
    flapThreshold: number;
    renotifyEveryMs: number;
    escalateAfterMs: number;
    evidenceLimit: number;
    webhookMaxAgeMs: number;
    webhookMaxRetryDelayMs: number;
    retentionDays: number;
  };
  security: {
    loginMaxFailuresPerId: number;
    loginMaxFailuresPerIp: number;
    loginWindowMs: number;
    lockoutMs: number;
    maxLockoutMs: number;
  };
  adapters: AdapterConfig[];
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

interface SchemaNode {
  type?: string | readonly string[];
  properties?: Record<string, SchemaNode>;
}

/** IOC_MQTT_MAX_PACKET_BYTES for ["mqtt","maxPacketBytes"]. */
export function envName(path: readonly string[]): string {
  return `IOC_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("_")}`;
}

/** Every leaf setting with its environment variable, in schema order (used by the README table test). */
export function settingPaths(node: SchemaNode = configSchema as unknown as SchemaNode, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.properties) out.push(...settingPaths(child, [...prefix, key]));
    else if (child.type !== "array") out.push([...prefix, key]); // lists are set in the config file only
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: true, strictTypes: false, discriminator: true });
const validate = ajv.compile<HubConfig>(configSchema);

function describe(error: ErrorObject, envFor: Map<string, string>): string {
  let path = error.instancePath || "/";
  let message = error.message ?? "is invalid";
  if (error.keyword === "additionalProperties") {
    path = `${error.instancePath}/${String(error.params.additionalProperty)}`;
    message = "is not a known setting";
  }
  const dotted = path.replace(/^\//, "").replace(/\//g, ".") || "(root)";
  const env = envFor.get(dotted);
  return `${dotted} ${message}${env ? ` (from ${env})` : ""}`;
}

/**
 * Builds the configuration from an optional JSON file and the environment (environment wins).
 * Throws ConfigError naming every bad key.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): HubConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.IOC_CONFIG;
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(file), "utf8");
    } catch (error) {
      throw new ConfigError(`config file ${file} cannot be read: ${(error as Error).message}`);
    }
    try {
      raw = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`config file ${file} must hold a JSON object`);
    }
  }
  const envFor = new Map<string, string>();
  for (const path of settingPaths()) {
    const name = envName(path);
    const value = env[name];
    if (value !== undefined && value !== "") {
      setPath(raw, path, value);
      envFor.set(path.join("."), name);
    }
  }
  const config = structuredClone(raw);
  if (!validate(config)) {
    const problems = (validate.errors ?? []).map((e) => describe(e, envFor));
    throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
  }
  try {
    new RegExp(config.vessels.registrationPattern, "u");
  } catch (error) {
    throw new ConfigError(`invalid configuration: vessels.registrationPattern is not a regular expression: ${(error as Error).message}`);
  }
  if (Boolean(config.tls.certFile) !== Boolean(config.tls.keyFile)) {
    throw new ConfigError("invalid configuration: tls.certFile and tls.keyFile go together");
  }
  if (!config.tls.certFile && (!config.mqtt.plain || !config.http.plain)) {
    throw new ConfigError(
      "invalid configuration: mqtt.plain or http.plain is false but no TLS listener is configured (tls.certFile, tls.keyFile)",
    );
  }
  config.adapters = config.adapters.map((a) => withAdapterDefaults(a as unknown as Record<string, unknown>));
  const adapterProblems = adapterConfigProblems(config.adapters);
  if (adapterProblems.length > 0) throw new ConfigError(`invalid configuration: ${adapterProblems.join("; ")}`);
  for (const key of ["mqtt", "http"] as const) {
    try {
      trustedProxies(config[key].trustedProxies);
    } catch (error) {
      throw new ConfigError(`invalid configuration: ${key}.trustedProxies: ${(error as Error).message}`);
    }
  }
  if (config.mqtt.redis.url && config.mqtt.external.url) {
    throw new ConfigError(
      "invalid configuration: mqtt.redis.url and mqtt.external.url are exclusive (shared aedes, or an external broker)",
    );
  }
  try {
    const owned = parseOwnedPartitions(config.rules.ownedPartitions, config.rules.partitions);
    if (owned.size < config.rules.partitions && !config.mqtt.redis.url && !config.mqtt.external.url) {
      throw new RangeError(
        "rules.ownedPartitions leaves partitions to other instances, but there is no shared broker to reach them (mqtt.redis.url or mqtt.external.url)",
      );
    }
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
  if (config.influx.token && (config.influx.user || config.influx.password)) {
    throw new ConfigError("invalid configuration: influx.token and influx.user/influx.password are exclusive");
  }
  return config;
}
