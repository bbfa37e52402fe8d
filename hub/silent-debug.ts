// The `debug` package (used by aedes, mqtt-packet and mqtt) costs something on every call even
// when its namespace is off: a rest-argument array and a getter. mqtt-packet and aedes call it
// several times per packet: in the fan-in benchmark it was 17 % of what bare aedes allocates per
// message and ~3 % of its CPU. With DEBUG unset when the hub starts, loggers of disabled namespaces
// are replaced by a function that does nothing; with DEBUG set, every logger is the real one.
// Imported first by hub/cli.ts, so it runs before anything requires `debug`.
import { createRequire } from "node:module";

export interface DebugLogger {
  (...args: unknown[]): void;
  namespace: string;
  enabled: boolean;
  extend(namespace: string, delimiter?: string): DebugLogger;
  destroy(): void;
}

export type DebugFactory = ((namespace: string) => DebugLogger) & Record<string, unknown>;

/** `real`, except that a namespace that is off gets a logger that does nothing. */
export function silentWhenDisabled(real: DebugFactory): DebugFactory {
  const create = (namespace: string): DebugLogger => {
    const logger = real(namespace);
    if (logger.enabled) return logger;
    const silent = (() => undefined) as unknown as DebugLogger;
    silent.namespace = namespace;
    silent.enabled = false;
    silent.extend = (sub: string, delimiter = ":") => create(`${namespace}${delimiter}${sub}`);
    silent.destroy = () => undefined;
    return silent;
  };
  // The package's own helpers (enable, disable, enabled, formatters, …) stay reachable.
  return Object.assign(create, real) as DebugFactory;
}

/**
 * Installs silentWhenDisabled for the `debug` that mqtt-packet requires (as aedes and the mqtt
 * client resolve it). Returns the module paths it was installed for; none with DEBUG set, or
 * when the layout of node_modules is not the expected one (then nothing changes).
 */
export function installSilentDebug(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.DEBUG) return [];
  const here = createRequire(import.meta.url);
  const installed: string[] = [];
  for (const user of ["aedes", "mqtt"]) {
    try {
      const fromUser = createRequire(here.resolve(user));
      const packet = createRequire(fromUser.resolve("mqtt-packet"));
      const path = packet.resolve("debug");
      if (installed.includes(path)) continue;
      packet(path);
      const cached = packet.cache[path];
      if (!cached) continue;
      cached.exports = silentWhenDisabled(cached.exports as DebugFactory);
      installed.push(path);
    } catch {
      // Not resolvable from here: leave that copy as it is.
    }
  }
  return installed;
}

installSilentDebug();
