// The HTTP API's error codes: a closed set, documented in docs/errors.md (a test keeps them in sync).
export const apiErrorCodes = {
  not_found: "No such route or resource.",
  schema_not_found: "No published schema of that name; GET /api/v1/schemas lists them.",
  bad_request: "The request is malformed.",
  unauthorized:
    "No or wrong credentials: HTTP Basic with an operator or integration account (ioc-hub devices add <id> --role operator), or a bearer API token (ioc-hub tokens add).",
  forbidden: "The account's role may not do this.",
  too_many_attempts:
    "Too many failed logins for this account or from this address; wait for the time in Retry-After (the lockout doubles with each repeat).",
  device_not_found: "No device or account with that id.",
  vessel_invalid: "The vessel does not match the vessel schema or the registration-number format; `message` says where.",
  vessel_exists: "A vessel with that registration number is already registered (or appears twice in an import).",
  vessel_conflict: "The MMSI or VMS device id already belongs to another vessel.",
  vessel_not_found: "No vessel with that registration number.",
  zone_invalid: "The zone is not a valid zone Feature; `path` points at the failing property or coordinate.",
  zone_not_found: "No zone with that id.",
  zone_read_only: "The zone comes from a file of the zones folder; change the file.",
  alert_not_found: "No alert with that id that your role may see.",
  alert_conflict: "The alert's state does not allow that action (e.g. acknowledging an alert that is not raised, closing a closed one).",
  rules_invalid: "The rules config does not match its schema; `message` names every bad key.",
  spool_full: "The hub cannot take data now (its spool is full); send it again later.",
  influx_unavailable: "No InfluxDB is configured or reachable, so stored positions cannot be read.",
  console_not_built: "The operator console's files are missing: run `npm run build` (which builds it with Vite).",
  internal_error: "The hub failed; the request id in the response is in the hub's log.",
} as const;

export type ApiErrorCode = keyof typeof apiErrorCodes;

export function apiError(code: ApiErrorCode, message: string) {
  return { error: { code, message } };
}
