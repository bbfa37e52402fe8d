// Builds dist/ once before the tests: end-to-end tests run the real `ioc-hub` binary.
import { execFileSync } from "node:child_process";
import { packageRoot } from "../../hub/package-root.js";

export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { cwd: packageRoot, stdio: "inherit" });
}
