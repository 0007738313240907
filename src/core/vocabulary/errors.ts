/**
 * The single registry of error codes the native API answers with. Every code has one problem
 * `type` URI, one title and one HTTP status (RFC 9457); docs/errors.md lists them all.
 */
import type { FieldIssue } from './channel.ts';

export const ERRORS = {
  GW_VALIDATION: { status: 400, title: 'The request is invalid' },
  GW_INVALID_JSON: { status: 400, title: 'The body is not valid JSON' },
  GW_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body must be application/json' },
  GW_BODY_TOO_LARGE: { status: 413, title: 'The body is over the size limit' },
  GW_UNAUTHORIZED: { status: 401, title: 'Missing or invalid API key' },
  GW_WEBHOOK_VERIFICATION: { status: 403, title: 'The webhook verification does not match' },
  GW_NOT_FOUND: { status: 404, title: 'No such resource' },
  GW_METHOD_NOT_ALLOWED: { status: 405, title: 'The path does not take this method' },
  GW_BAD_URL: { status: 400, title: 'The URL is malformed' },
  GW_URI_TOO_LONG: { status: 414, title: 'The URL is too long' },
  GW_HEADERS_TOO_LARGE: { status: 431, title: 'The request headers are too large' },
  GW_REQUEST_TIMEOUT: { status: 408, title: 'The request took too long to arrive' },
  GW_BAD_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  GW_CHANNEL_UNKNOWN: { status: 400, title: 'Unknown channel' },
  GW_CHANNEL_ACCOUNT_UNKNOWN: { status: 422, title: 'No such channel account' },
  GW_SANDBOX_ACCOUNT: { status: 422, title: 'A sandbox channel account sends nothing in production mode' },
  GW_CAPABILITY: { status: 422, title: 'The channel cannot carry this message' },
  GW_CONTACT_UNREACHABLE: { status: 422, title: 'The contact cannot be reached on this channel' },
  GW_CONFLICT: { status: 409, title: 'The resource conflicts with an existing one' },
  GW_POLICY_REJECTED: { status: 422, title: 'The contact policy rejects the send' },
  GW_SESSION_WINDOW: { status: 422, title: "Outside the channel's customer-service window" },
  GW_CONVERSATION_OWNED: {
    status: 409,
    title: 'An agent owns the conversation; the automated send is rejected',
  },
  GW_IDEMPOTENCY_MISMATCH: { status: 422, title: 'Idempotency key reused with another request' },
  GW_UNAVAILABLE: { status: 503, title: 'The database cannot be reached; try again shortly' },
  GW_OUTCOME_UNKNOWN: {
    status: 503,
    title: 'The database connection was lost; the request may or may not have taken effect',
  },
  GW_INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const PROBLEM_BASE = 'https://omnigate.dev/problems/';

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(detail);
    this.name = 'AppError';
    this.status = ERRORS[code].status;
  }
}

export function validationError(issues: FieldIssue[], code: ErrorCode = 'GW_VALIDATION'): AppError {
  const detail =
    issues.length === 1
      ? `${issues[0]!.pointer || '/'}: ${issues[0]!.detail}`
      : `${issues.length} problems in the request; see errors`;
  return new AppError(code, detail, issues);
}
