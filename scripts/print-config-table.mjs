// Prints the README's configuration table from the config schema (run after `npm run build`);
// test/docs.test.ts fails when the README and the schema disagree.
import { configSchema, envName, settingPaths } from "../dist/hub/config.js";

const node = (path) => path.reduce((n, key) => n.properties[key], configSchema);
for (const path of settingPaths()) {
  const s = node(path);
  const fallback = s.default !== undefined ? `\`${JSON.stringify(s.default).replace(/"/g, "")}\`` : "—";
  const meaning = s.description ?? (s.enum ? s.enum.map((e) => `\`${e}\``).join(" / ") : s.type);
  console.log(`| \`${path.join(".")}\` | \`${envName(path)}\` | ${fallback} | ${meaning} |`);
}
