// The HTTP API's error codes: a closed set, documented in docs/errors.md (a test keeps them in sync).
export const apiErrorCodes = {
  not_found: "No such route or resource.",
  schema_not_found: "No published schema of that name; GET /api/v1/schemas lists them.",
  bad_request: "The request is malformed.",
  internal_error: "The hub failed; the request id in the response is in the hub's log.",
} as const;

export type ApiErrorCode = keyof typeof apiErrorCodes;

export function apiError(code: ApiErrorCode, message: string) {
  return { error: { code, message } };
}
