// The docs say what the code does: every error code, setting and quantity is documented, and every
// schema's examples validate against it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apiErrorCodes } from "../api/api-error.js";
import { authFailureReasons } from "../broker/auth-failures.js";
import { envName, settingPaths } from "../hub/config.js";
import { packageRoot } from "../hub/package-root.js";
import { quantities } from "../ingest/quantities.js";
import { aisErrorReasons } from "../ingest/decoders/ais/ais-errors.js";
import { nafErrorReasons } from "../ingest/decoders/naf/naf-errors.js";
import { rejectionReasons } from "../ingest/rejection.js";
import { SchemaRegistry, schemaNames } from "../ingest/schema-registry.js";

// Runs of spaces are folded: the formatter pads markdown table cells.
const read = (path: string) => readFileSync(join(packageRoot, path), "utf8").replace(/ {2,}/g, " ");

describe("docs", () => {
  const errors = read("docs/errors.md");
  const readme = read("README.md");
  const protocol = read("docs/device-protocol.md");

  it("docs/errors.md lists exactly the codes in the code", () => {
    const documented = [...errors.matchAll(/^\| `([a-z_0-9]+)` \|/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(
      [
        ...new Set([
          ...Object.keys(rejectionReasons),
          ...Object.keys(authFailureReasons),
          ...Object.keys(apiErrorCodes),
          ...Object.keys(aisErrorReasons),
          ...Object.keys(nafErrorReasons),
        ]),
      ].sort(),
    );
  });

  it("the README's configuration table has every setting with its variable", () => {
    for (const path of settingPaths()) expect(readme).toContain(`| \`${path.join(".")}\` | \`${envName(path)}\` |`);
  });

  it("the README starts with the two commands and .ci/run runs the second", () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split("\n");
    expect(block).toEqual(["npm install && npm run demo", "npm install && npm test"]);
    expect(read(".ci/run")).toContain("npm install && npm test");
  });

  it("docs/device-protocol.md lists every quantity with its canonical unit", () => {
    for (const [name, q] of Object.entries(quantities))
      expect(protocol).toContain(`| \`${name}\` | ${q.description} | ${q.domain} | \`${q.unit}\` |`);
  });

  it("every published schema's examples are valid against it", () => {
    const registry = new SchemaRegistry();
    for (const name of schemaNames) {
      const doc = registry.document(name) as { examples?: unknown[] };
      expect(doc.examples?.length, `${name} has examples`).toBeGreaterThan(0);
      const validate = registry.validator(name);
      for (const example of doc.examples ?? []) expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
