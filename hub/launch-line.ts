// The runtime settings of the `ioc-hub` binary live in one place, its shebang
// (`#!/usr/bin/env -S NAME=value … node --flag …`): what runs the hub some other way (the benchmark,
// the container image) takes them from there, so it runs the hub as users do.
import { readFileSync } from "node:fs";

export interface LaunchSettings {
  /** Environment assignments made by `env` before Node starts (e.g. MALLOC_ARENA_MAX). */
  env: Record<string, string>;
  /** Node's own flags (e.g. --max-old-space-size=256). */
  nodeFlags: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** The settings of a `#!/usr/bin/env -S` line; words after the interpreter that are not flags are ignored. */
export function parseLaunchLine(line: string): LaunchSettings {
  const words = line
    .replace(/^#!\s*/, "")
    .split(/\s+/)
    .filter(Boolean);
  const env: Record<string, string> = {};
  const nodeFlags: string[] = [];
  let interpreterSeen = false;
  for (const word of words.slice(1)) {
    if (word === "-S" && !interpreterSeen) continue;
    const assignment = interpreterSeen ? null : ASSIGNMENT.exec(word);
    if (assignment) env[assignment[1] as string] = assignment[2] as string;
    else if (!interpreterSeen) interpreterSeen = true;
    else if (word.startsWith("--")) nodeFlags.push(word);
  }
  return { env, nodeFlags };
}

/** The settings of the binary at `cliFile` (dist/hub/cli.js). */
export function readLaunchSettings(cliFile: string): LaunchSettings {
  return parseLaunchLine(readFileSync(cliFile, "utf8").split("\n", 1)[0] ?? "");
}
