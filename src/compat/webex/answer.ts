/**
 * Webex Connect's answers: the response codes of the Messaging API (seed 003, "Response Codes")
 * and the body they come in. Webex Connect answers every code with HTTP 200 and lets the body
 * tell (`{"response":{"code":"7001","description":"Authentication failed"}}` for a refused key);
 * a queued request lists one entry per recipient. docs/compat/webex.md says where this comes from.
 */

export const WEBEX_CODES = {
  queued: { code: '1001', message: 'Queued' },
  invalidJson: { code: '7000', message: 'Invalid JSON' },
  authenticationFailed: { code: '7001', message: 'Authentication failed' },
  keyMissing: { code: '7002', message: 'Service key missing' },
  mandatoryMissing: { code: '7003', message: 'Mandatory parameters missing' },
  invalidParameters: { code: '7004', message: 'Invalid parameters' },
  internalError: { code: '7006', message: 'Internal error occurred' },
  serviceInactive: { code: '7007', message: 'Service inactive' },
  tooManyDestinations: { code: '7009', message: 'Max number of destinations' },
} as const;
export type WebexCode = keyof typeof WEBEX_CODES;

/** A refusal in Webex's terms; `description` is what the client reads. */
export class WebexError extends Error {
  readonly code: string;
  constructor(
    readonly kind: WebexCode,
    readonly description: string = WEBEX_CODES[kind].message,
  ) {
    super(description);
    this.code = WEBEX_CODES[kind].code;
  }
}

/**
 * The documented message with what was wrong after it, or the document's own wording when it has
 * one for the case (7003's "param 'text' missing for channel fb").
 */
export const refusal = (kind: WebexCode, detail?: string): WebexError =>
  new WebexError(
    kind,
    detail === undefined ? WEBEX_CODES[kind].message : `${WEBEX_CODES[kind].message}: ${detail}`,
  );

export const worded = (kind: WebexCode, description: string): WebexError => new WebexError(kind, description);

export interface ResponseEntry {
  code: string;
  description: string;
  transid?: string;
  correlationid?: string;
}

export const errorBody = (e: WebexError) => ({ response: { code: e.code, description: e.description } });

/** An internal error is the one answer a client should retry, so it keeps a 5xx. */
export const httpStatusOf = (e: WebexError): number => (e.kind === 'internalError' ? 500 : 200);

export const queuedEntry = (transid: string, correlationid: string | undefined): ResponseEntry => ({
  code: WEBEX_CODES.queued.code,
  description: WEBEX_CODES.queued.message,
  transid,
  ...(correlationid !== undefined ? { correlationid } : {}),
});

export const refusedEntry = (e: WebexError, correlationid: string | undefined): ResponseEntry => ({
  code: e.code,
  description: e.description,
  ...(correlationid !== undefined ? { correlationid } : {}),
});
