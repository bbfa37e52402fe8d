// The ioc/v1/errors/{deviceId} payload for a rejection (schemas/ingest-error.schema.json), the same
// whether the embedded broker or an external one carries it.
import type { Envelope } from "../ingest/envelope.js";
import type { Rejection } from "../ingest/rejection.js";

const EXCERPT_CHARS = 200;

export function ingestErrorPayload(envelope: Envelope, rejection: Rejection): Record<string, unknown> {
  const excerpt = envelope.bytes
    .subarray(0, EXCERPT_CHARS * 4)
    .toString("utf8")
    .slice(0, EXCERPT_CHARS);
  return {
    reason: rejection.reason,
    message: rejection.message,
    topic: envelope.topic ?? envelope.port ?? "",
    ...(rejection.path !== undefined && { path: rejection.path }),
    ...(rejection.schemaPath !== undefined && { schemaPath: rejection.schemaPath }),
    ...(rejection.schema !== undefined && { schema: rejection.schema }),
    excerpt,
    receivedAt: new Date(envelope.receivedAt).toISOString(),
  };
}
