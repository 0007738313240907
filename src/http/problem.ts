/**
 * Every error answer of the native API is RFC 9457 problem+json: one `type` URI per error code, the
 * offending fields as JSON pointers in `errors`, and the request id to quote in a bug report.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreUnavailableError } from '../core/ports/unavailable.ts';
import type { FieldIssue } from '../core/vocabulary/channel.ts';
import {
  AppError,
  ERRORS,
  type ErrorCode,
  PROBLEM_BASE,
  validationError,
} from '../core/vocabulary/errors.ts';
import type { RouteTable } from './route-table.ts';

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

/**
 * How a vendor façade words a refusal made before any of its routes ran (no such route, another
 * method, a malformed or over-long URL), so that a façade's client never sees a problem+json.
 */
export interface RefusalDialect {
  /** The paths that are the façade's. */
  path: RegExp;
  answer(status: 400 | 404 | 405 | 414, detail: string): { status: number; body: unknown };
}

/** Longer URLs are refused with a 414 before routing: no route needs one, and logs carry them. */
export const MAX_URL_LENGTH = 8 * 1024;

const pathOf = (url: string) => url.split('?')[0] ?? '';

const REFUSAL_CODES = {
  400: 'GW_BAD_URL',
  404: 'GW_NOT_FOUND',
  405: 'GW_METHOD_NOT_ALLOWED',
  414: 'GW_URI_TOO_LONG',
} as const satisfies Record<number, ErrorCode>;

/** A refusal before routing, in the words of the façade whose path it is, else as a problem. */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  dialects: readonly RefusalDialect[],
  status: keyof typeof REFUSAL_CODES,
  detail: string,
): FastifyReply {
  const path = pathOf(request.url);
  const dialect = dialects.find((d) => d.path.test(path));
  if (dialect) {
    const answer = dialect.answer(status, detail);
    return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body);
  }
  return sendProblem(reply, request, new AppError(REFUSAL_CODES[status], detail, []));
}

/**
 * Fastify's own answers to a URL it cannot route (malformed percent-encoding, a path parameter
 * over `maxParamLength`) are plain JSON by default; this is the `frameworkErrors` option that
 * answers them as problems (or in a façade's words).
 */
export function frameworkErrors(dialects: readonly RefusalDialect[]) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = pathOf(request.url);
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      return refuse(request, reply, dialects, 414, 'A part of the URL path is too long');
    }
    if (error.code === 'FST_ERR_BAD_URL') {
      return refuse(
        request,
        reply,
        dialects,
        400,
        `The URL path ${JSON.stringify(path)} is not valid percent-encoding`,
      );
    }
    request.log.error({ err: error }, 'request failed before routing');
    return sendProblem(reply, request, toAppError(error));
  };
}

export function registerProblemHandlers(
  app: FastifyInstance,
  routes: RouteTable,
  dialects: readonly RefusalDialect[],
): void {
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
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length <= MAX_URL_LENGTH) return;
    const detail = `The URL is over ${MAX_URL_LENGTH} characters`;
    return refuse(request, reply, dialects, 414, detail);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const allowed = routes.allowed(path);
    if (allowed.length === 0)
      return refuse(request, reply, dialects, 404, `No route ${request.method} ${path}`);
    reply.header('allow', allowed.join(', '));
    const detail = `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`;
    return refuse(request, reply, dialects, 405, detail);
  });
}
