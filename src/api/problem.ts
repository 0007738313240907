/**
 * Every error answer of the native API is RFC 9457 problem+json: one `type` URI per error code, the
 * offending fields as JSON pointers in `errors`, and the request id to quote in a bug report.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldIssue } from '../channels/types.ts';
import { AppError, ERRORS, type ErrorCode, PROBLEM_BASE, validationError } from '../core/errors.ts';
import { StoreUnavailableError } from '../store/unavailable.ts';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Turns ajv's errors into field issues with pointers that name the field itself. */
export function issuesFromAjv(errors: AjvError[], context: string | undefined): FieldIssue[] {
  const prefix = context && context !== 'body' ? `/${context}` : '';
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const e of errors) {
    let pointer = prefix + e.instancePath;
    let detail = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      pointer += `/${escapePointer(String(e.params.missingProperty))}`;
      detail = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer += `/${escapePointer(String(e.params.additionalProperty))}`;
      detail = 'is not a known field';
    } else if (e.keyword === 'discriminator') {
      pointer += `/${String(e.params.tag ?? 'type')}`;
      detail =
        e.params.error === 'mapping'
          ? 'is not one of the known types'
          : 'is required and must be a string naming the type';
    } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
      detail = `must be one of: ${e.params.allowedValues.join(', ')}`;
    }
    const key = `${pointer}|${e.keyword}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ pointer, rule: e.keyword, detail });
  }
  return issues;
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  const body: Record<string, unknown> = {
    type: PROBLEM_BASE + error.code.toLowerCase().replace(/^gw_/, '').replace(/_/g, '-'),
    title: ERRORS[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    instance: request.url.split('?')[0],
    request_id: request.id,
  };
  if (error.issues.length > 0) body.errors = error.issues;
  return reply.code(error.status).type('application/problem+json').send(body);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'GW_INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'GW_INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'GW_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'GW_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'GW_VALIDATION',
};

export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & { validationContext?: string; validation?: AjvError[] };
  if (fe.validation) {
    return validationError(issuesFromAjv(fe.validation, fe.validationContext));
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) {
    const detail =
      mapped === 'GW_INVALID_JSON'
        ? `The body could not be parsed as JSON: ${fe.message}`
        : mapped === 'GW_UNSUPPORTED_MEDIA_TYPE'
          ? 'Send the body as application/json'
          : fe.message;
    return new AppError(mapped, detail, [{ pointer: '', rule: mapped.toLowerCase(), detail }]);
  }
  // Proto-poisoning and other 4xx Fastify raises about the request itself.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('GW_VALIDATION', fe.message, [
      { pointer: '', rule: fe.code ?? 'invalid', detail: fe.message },
    ]);
  }
  return new AppError('GW_INTERNAL', 'An internal error occurred; quote the request_id when reporting it.');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A lost database connection. A read changed nothing and can simply be tried again. A write may
 * have been committed with its answer lost, so the client is told the outcome is unknown and how
 * to retry without a duplicate: the same Idempotency-Key answers a stored send as it was.
 */
export function storeUnavailable(method: string): AppError {
  return SAFE_METHODS.has(method)
    ? new AppError(
        'GW_UNAVAILABLE',
        'The database cannot be reached; nothing was changed. Try again shortly.',
      )
    : new AppError(
        'GW_OUTCOME_UNKNOWN',
        'The database connection was lost while this request was handled, so it may or may not have taken ' +
          'effect. Retry it with the same Idempotency-Key: a send that was stored is answered as it was, one ' +
          'that was not is stored then.',
      );
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StoreUnavailableError) {
      // An outage, not a bug: one line without a stack, and a hint of when to come back.
      request.log.warn({ cause: (error.cause as Error | undefined)?.message }, 'database unreachable');
      reply.header('retry-after', '1');
      return sendProblem(reply, request, storeUnavailable(request.method));
    }
    const appError = toAppError(error as FastifyError);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, request, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new AppError('GW_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
