/**
 * Refusals in Konnek's answer shape: the same `meta` as a success (seed 002: `status`, `code`,
 * `message`, `errors`) with `status: false`, the HTTP status as `code` and its reason phrase as
 * `message`, `errors` a string naming each offending field as the client wrote it, and no `data`.
 * The document lists no error codes of its own, so the HTTP status is the native one.
 */
import { STATUS_CODES } from 'node:http';
import type { FieldIssue } from '../../core/index.ts';
import { AppError } from '../../core/index.ts';
import { type FastifyRefusal, requestProblem } from '../../http/fastify-refusal.ts';
import { issuesFromAjv, type RefusalDialect } from '../../http/problem.ts';
import { pointerToFieldPath } from '../shared/field-path.ts';
import { konnekField, type Rename } from './fields.ts';
import type { ErrorAnswer } from './schema.ts';

/** One problem, under the Konnek field it concerns (`''` for the request as a whole). */
export interface KonnekIssue {
  field: string;
  detail: string;
}

export class KonnekError extends Error {
  constructor(
    readonly status: number,
    readonly issues: readonly KonnekIssue[],
  ) {
    super(issues.map((i) => (i.field === '' ? i.detail : `${i.field}: ${i.detail}`)).join('; '));
    this.name = 'KonnekError';
  }

  get body(): ErrorAnswer {
    return {
      meta: {
        status: false,
        code: this.status,
        message: STATUS_CODES[this.status] ?? 'Error',
        errors: this.message,
      },
      data: null,
    };
  }
}

export const badRequest = (issues: readonly KonnekIssue[]) => new KonnekError(400, issues);

export const unauthorized = () =>
  new KonnekError(401, [{ field: '', detail: 'invalid Auth-username / Auth-password' }]);

export const notFound = (field: string, detail: string) => new KonnekError(404, [{ field, detail }]);

/** A refusal of the native send path, with each native pointer named as the Konnek field. */
export function fromAppError(error: AppError, renames: readonly Rename[]): KonnekError {
  if (error.status >= 500) return internalError();
  const issues: KonnekIssue[] =
    error.issues.length > 0
      ? error.issues.map((i) => ({ field: konnekField(i.pointer, renames), detail: i.detail }))
      : [{ field: '', detail: error.message }];
  // A reused `id` is the native idempotency key's mismatch: say so in Konnek's terms.
  if (error.code === 'GW_IDEMPOTENCY_MISMATCH') {
    return new KonnekError(error.status, [
      { field: 'id', detail: 'was already used for another message; give each message its own id' },
    ]);
  }
  return new KonnekError(error.status, issues);
}

/** Fastify's own refusals (schema, JSON, content type, size) and anything unexpected. */
export function toKonnekError(error: unknown): KonnekError {
  if (error instanceof KonnekError) return error;
  if (error instanceof AppError) return fromAppError(error, []);
  const fe = error as FastifyRefusal;
  if (fe.validation) {
    // Body fields and path parameters alike are named without a prefix, as Konnek's table does.
    return badRequest(fromAjv(issuesFromAjv(fe.validation, 'body')));
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new KonnekError(fe.statusCode, [{ field: '', detail: requestProblem(fe) }]);
  }
  return internalError();
}

const internalError = () =>
  new KonnekError(500, [{ field: '', detail: 'the message could not be accepted; try again' }]);

/**
 * Schema issues as Konnek fields. `body.button` is an array or one object: ajv reports both
 * branches and the union; one issue says it instead.
 */
function fromAjv(issues: FieldIssue[]): KonnekIssue[] {
  const unions = new Set(issues.filter((i) => i.rule === 'anyOf').map((i) => i.pointer));
  const within = (pointer: string) => issues.some((i) => i.pointer.startsWith(`${pointer}/`));
  const out: KonnekIssue[] = [];
  for (const issue of issues) {
    if (unions.has(issue.pointer) && issue.rule !== 'anyOf') continue;
    // An array whose items are wrong is told by the items' own issues.
    if (issue.rule === 'anyOf' && within(issue.pointer)) continue;
    const detail = issue.rule === 'anyOf' ? 'must be an array of buttons {key, title}' : issue.detail;
    out.push({ field: pointerToFieldPath(issue.pointer), detail });
  }
  return out;
}

/** Refusals before routing on Konnek's paths (`/{channel}/send|status/…`), in its `meta` shape. */
export const konnekDialect: RefusalDialect = {
  path: /^\/(whatsapp|telegram|line|facebook)\/(send|status)(\/|$)/,
  answer: (status, detail) => ({ status, body: new KonnekError(status, [{ field: '', detail }]).body }),
};
