// Prints docs/errors.md from the code's catalogues (run after `npm run build`; `> docs/errors.md`).
// test/docs.test.ts fails when the page and the code disagree.
import { apiErrorCodes } from "../dist/api/api-error.js";
import { authFailureReasons } from "../dist/broker/auth-failures.js";
import { aisErrorReasons } from "../dist/ingest/decoders/ais/ais-errors.js";
import { nafErrorReasons } from "../dist/ingest/decoders/naf/naf-errors.js";
import { rejectionReasons } from "../dist/ingest/rejection.js";

const table = (head, entries) =>
  [`| ${head} | meaning |`, "|---|---|", ...Object.entries(entries).map(([k, v]) => `| \`${k}\` | ${v.replace(/\|/g, "\\|")} |`)].join(
    "\n",
  );

process.stdout.write(`# Error codes

One closed set of codes per surface. Each code is the same string in the metric label, the log field, the \`ioc/v1/errors/{deviceId}\` payload and the dead-letter record. This page is printed from the code (\`node scripts/print-errors-doc.mjs\`), and a test keeps the two in sync.

## Ingest rejections (\`reason\`)

Counted in \`ioc_messages_rejected_total{reason}\`, published on \`ioc/v1/errors/{deviceId}\`, written to the dead-letter log.

${table("reason", rejectionReasons)}

## MQTT authentication and ACL failures

Counted in \`ioc_auth_failures_total{reason}\` and logged with the device id and remote address, never with the secret.

${table("reason", authFailureReasons)}

## HTTP API errors (\`error.code\`)

Every error response is \`{ "error": { "code": "…", "message": "…" } }\`; a 5xx message carries the request id found in the log, never a stack trace.

${table("code", apiErrorCodes)}

## AIS decoder errors (\`reason\`)

What \`ioc-hub decode ais\` prints on stderr, one JSON line per bad input line (\`{"line", "reason", "message"}\`); over MQTT the same reason is the start of an \`ais_sentence_invalid\` rejection's message.

${table("reason", aisErrorReasons)}

## NAF record errors

The start of a \`naf_record_invalid\` rejection's message (MQTT \`ioc/v1/vessels/{vesselId}/naf\` or \`POST /api/v1/vms/naf\`); \`path\` is \`/record/N\`.

${table("reason", nafErrorReasons)}
`);
