/**
 * Stable error codes of the API. Clients (and the web pages) switch on these; the message is
 * for people and may change. Every code maps to exactly one HTTP status (see HTTP_STATUS_BY_CODE).
 */
export const ERROR_CODES = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_schedule_time: 400,
  post_invalid_for_network: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  state_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  invite_invalid: 400,
  approval_link_invalid: 400,
  approval_link_expired: 410,
  approval_link_used: 409,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
