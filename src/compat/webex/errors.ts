/**
 * Every way a request can fail, as a Webex Connect refusal: Fastify's own errors (a body that is
 * no JSON, one over the size limit, schema validation), the native send's AppError (its field
 * pointers named back as Webex fields) and anything unexpected (7006).
 */
import type { FastifyError } from 'fastify';
import type { FieldIssue } from '../../core/index.ts';
import { AppError } from '../../core/index.ts';
import type { RefusalDialect } from '../../http/problem.ts';
import { errorBody, refusal, WebexError } from './answer.ts';
import { bodyField, type FieldMapper } from './fields.ts';
import { fieldRefusal } from './translate.ts';

interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export function toWebexError(error: unknown, fields: FieldMapper = () => undefined): WebexError {
  if (error instanceof WebexError) return error;
  if (error instanceof AppError) return fromAppError(error, fields);
  const fe = error as Partial<FastifyError> & { validation?: AjvIssue[] };
  if (Array.isArray(fe.validation)) return fromValidation(fe.validation);
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refusal('invalidJson', fe.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusal('invalidParameters', 'the body is over the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return refusal('invalidJson', 'send the body as application/json');
  }
  // Proto-poisoning and the other refusals Fastify raises about the body itself.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return refusal('invalidJson', fe.message);
  }
  return refusal('internalError');
}

export function fromAppError(error: AppError, fields: FieldMapper): WebexError {
  if (error.code === 'GW_INTERNAL') return refusal('internalError');
  const issues: FieldIssue[] =
    error.issues.length > 0 ? error.issues : [{ pointer: '', rule: error.code, detail: error.message }];
  return fieldRefusal(issues, fields);
}

function fromValidation(errors: AjvIssue[]): WebexError {
  const missing = errors.filter((e) => e.keyword === 'required');
  if (missing.length > 0) {
    const fields = missing.map((e) => bodyField(e.instancePath, String(e.params['missingProperty'])));
    return refusal('mandatoryMissing', [...new Set(fields)].join(', '));
  }
  const parts = errors
    // A union's own error only repeats what its branches said.
    .filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf')
    .map((e) =>
      e.keyword === 'additionalProperties'
        ? `${bodyField(e.instancePath, String(e.params['additionalProperty']))} is not a documented parameter`
        : `${bodyField(e.instancePath) || 'the body'} ${e.message ?? 'is invalid'}`,
    );
  return refusal('invalidParameters', [...new Set(parts)].join('; '));
}

/**
 * Refusals before routing under `/resources/`: the body is Webex's 7004; the HTTP status stays the
 * gateway's (404, 405, 414), as these are not answers of the Messaging API itself.
 */
export const webexDialect: RefusalDialect = {
  path: /^\/resources(\/|$)/,
  answer: (status, detail) => ({ status, body: errorBody(refusal('invalidParameters', detail)) }),
};
