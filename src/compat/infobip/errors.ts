/**
 * Errors in Infobip's own shape: `{ requestError: { serviceException: { messageId, text,
 * validationErrors? } } }`, with `validationErrors` naming each offending field as Infobip does
 * (`"message.template.actions[0].label": ["..."]`). The seed documents 400 for a malformed request
 * and 401 without valid credentials; everything a request can get wrong is therefore a 400,
 * whatever status the native API would give it (422, 409, 413, 415).
 */

import type { FieldIssue } from '../../core/index.ts';
import { AppError } from '../../core/index.ts';
import { type FastifyRefusal, requestProblem } from '../../http/fastify-refusal.ts';
import { issuesFromAjv, type RefusalDialect } from '../../http/problem.ts';
import { infobipField, type Rename } from './fields.ts';
import { type ErrorResponse, INFOBIP_MESSAGE_TYPES } from './schema.ts';

export class InfobipError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 405 | 414 | 500,
    readonly messageId: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'GENERAL_ERROR',
    text: string,
    readonly validationErrors?: Record<string, string[]>,
  ) {
    super(text);
    this.name = 'InfobipError';
  }

  get body(): ErrorResponse {
    return {
      requestError: {
        serviceException: {
          messageId: this.messageId,
          text: this.message,
          ...(this.validationErrors ? { validationErrors: this.validationErrors } : {}),
        },
      },
    };
  }
}

/** Infobip's words for missing or wrong credentials. */
export const unauthorized = () => new InfobipError(401, 'UNAUTHORIZED', 'Invalid login details');

/**
 * Refusals before routing under `/line/1/`: an unknown path is Infobip's NOT_FOUND; another method
 * (405) or a bad URL is a BAD_REQUEST body under its own HTTP status.
 */
export const infobipDialect: RefusalDialect = {
  path: /^\/line\/1(\/|$)/,
  answer: (status, detail) => ({
    status,
    body: new InfobipError(status, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', detail).body,
  }),
};

/** A 400 listing every problem under the Infobip field it concerns. */
export function badRequest(issues: FieldIssue[], renames: readonly Rename[] = []): InfobipError {
  // No prototype: a client's field may be called `valueOf` or `__proto__`.
  const byField: Record<string, string[]> = Object.create(null);
  const general: string[] = [];
  for (const issue of issues) {
    if (issue.pointer === '') {
      general.push(issue.detail);
      continue;
    }
    const field = infobipField(issue.pointer, renames);
    byField[field] = [...(byField[field] ?? []), issue.detail];
  }
  const text = general.length > 0 ? `Bad request: ${general.join('; ')}` : 'Bad request';
  return new InfobipError(400, 'BAD_REQUEST', text, Object.keys(byField).length > 0 ? byField : undefined);
}

/** A refusal of the native send path, told in Infobip's terms. */
export function fromAppError(error: AppError, renames: readonly Rename[]): InfobipError {
  if (error.status >= 500) return generalError();
  const issues =
    error.issues.length > 0 ? error.issues : [{ pointer: '', rule: error.code, detail: error.message }];
  return badRequest(issues, renames);
}

/** Fastify's own refusals (validation, JSON, content type, size) and anything unexpected. */
export function toInfobipError(error: unknown): InfobipError {
  if (error instanceof InfobipError) return error;
  if (error instanceof AppError) return fromAppError(error, []);
  const fe = error as FastifyRefusal;
  if (fe.validation) {
    return badRequest(issuesFromAjv(fe.validation, fe.validationContext).map(knownTypes).map(plainPattern));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return badRequest([{ pointer: '', rule: fe.code ?? 'invalid', detail: requestProblem(fe) }]);
  }
  return generalError();
}

function generalError(): InfobipError {
  return new InfobipError(500, 'GENERAL_ERROR', 'Something went wrong. Please contact support.');
}

/** Where a `type` names no known kind, the kinds that are known. */
const TYPES_AT: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^\/message\/type$/, INFOBIP_MESSAGE_TYPES],
  [/^\/message\/template\/type$/, ['BUTTONS', 'CONFIRM', 'CAROUSEL']],
  [/\/template\/(columns\/\d+\/)?actions\/\d+\/type$/, ['POSTBACK', 'MESSAGE', 'URI']],
  [/^\/message\/actions\/\d+\/type$/, ['URI', 'MESSAGE']],
];

function knownTypes(issue: FieldIssue): FieldIssue {
  if (issue.rule !== 'discriminator') return issue;
  const known = TYPES_AT.find(([pattern]) => pattern.test(issue.pointer))?.[1];
  return known ? { ...issue, detail: `must be one of: ${known.join(', ')}` } : issue;
}

/** Ajv quotes the regular expression; say what it means instead. */
function plainPattern(issue: FieldIssue): FieldIssue {
  if (issue.rule !== 'pattern') return issue;
  const detail = /\/(uri|linkUri)$/.test(issue.pointer)
    ? 'must be an http, https, line or tel URI'
    : 'must be an http or https URL';
  return { ...issue, detail };
}
