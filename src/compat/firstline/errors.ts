/**
 * FIRST LINE's error answers. FIRST LINE documents only `200 {}`; being a Laravel application it
 * refuses in Laravel's shape, which is what its clients already handle:
 *   422 `{ "message": "<first error> (and N more errors)", "errors": { "<dotted.field>": ["…"] } }`
 *   401 `{ "message": "Unauthenticated." }`
 * Field names are the FIRST LINE request's own dotted paths, never native pointers.
 */
import type { FastifyError } from 'fastify';
import type { AppError } from '../../core/index.ts';
import type { RefusalDialect } from '../../http/problem.ts';
import { pointerSegments } from '../shared/field-path.ts';
import { dottedPath, type PathMap } from './paths.ts';
import { PATTERNS } from './schema.ts';

export type FieldErrors = Record<string, string[]>;

export class FirstLineError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldErrors,
  ) {
    super(message);
    this.name = 'FirstLineError';
  }

  /** A 422 whose message is Laravel's: the first error and how many more there are. */
  static invalid(errors: FieldErrors): FirstLineError {
    const all = Object.values(errors).flat();
    const more = all.length - 1;
    const suffix = more > 0 ? ` (and ${more} more error${more === 1 ? '' : 's'})` : '';
    return new FirstLineError(422, `${all[0] ?? 'The given data was invalid.'}${suffix}`, errors);
  }

  static unauthenticated(): FirstLineError {
    return new FirstLineError(401, 'Unauthenticated.');
  }

  get body(): { message: string; errors?: FieldErrors } {
    return { message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

function add(errors: FieldErrors, field: string, message: string): void {
  // A client's field may be called `valueOf` or `__proto__`: only the object's own entries count.
  const list = Object.hasOwn(errors, field) ? (errors[field] ?? []) : [];
  if (!list.includes(message)) list.push(message);
  errors[field] = list;
}

/** Laravel names a field by its path with underscores as spaces: `message.explain text`. */
const attribute = (path: string) => path.replace(/_/g, ' ');

const sentence = (text: string) => {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const key of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const PATTERN_WORDS: Record<string, string> = {
  [PATTERNS.url]: 'must be a valid URL starting with http:// or https://',
  [PATTERNS.hexColour]: 'must be a HEX colour code such as #09091A',
  [PATTERNS.phone]: 'must be a phone number in international form, such as +886912345678',
  [PATTERNS.noSpace]: 'must not contain spaces',
};

/** One schema error as Laravel words it, against the field it is about. */
function ajvError(e: AjvError, body: unknown): [string, string] | undefined {
  const missing = e.keyword === 'required' ? `/${String(e.params['missingProperty'])}` : '';
  const path = dottedPath(e.instancePath + missing);
  const name = attribute(path);
  const value = valueAt(body, e.instancePath);
  switch (e.keyword) {
    // The branch errors already name the fields; "must match then schema" says nothing more.
    case 'if':
      return undefined;
    case 'required':
      return [path, `The ${name} field is required.`];
    case 'type':
      // Laravel's `required` counts null and "" as missing.
      if (value === null || value === '') return [path, `The ${name} field is required.`];
      return [path, `The ${name} field must be ${typeWords(String(e.params['type']))}.`];
    case 'minLength':
      return [path, `The ${name} field is required.`];
    case 'enum':
      return [path, `The selected ${name} is invalid.`];
    case 'maxLength':
      return [path, `The ${name} field must not be greater than ${e.params['limit']} characters.`];
    case 'minItems':
      return [path, `The ${name} field must have at least ${e.params['limit']} item(s).`];
    case 'maxItems':
      return [path, `The ${name} field must not have more than ${e.params['limit']} items.`];
    case 'format':
      return [path, `The ${name} field must be a valid URL.`];
    case 'pattern':
      return [
        path,
        `The ${name} field ${PATTERN_WORDS[String(e.params['pattern'])] ?? 'format is invalid'}.`,
      ];
    case 'minimum':
      return [path, `The ${name} field must be at least ${e.params['limit']}.`];
    default:
      return [path, sentence(`The ${name} field ${e.message ?? 'is invalid'}`)];
  }
}

function typeWords(type: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    object: 'an object',
    array: 'an array',
    integer: 'an integer',
    'string,integer': 'a string or an integer',
    'string,null': 'a string',
    'object,null': 'an object',
  };
  return words[type] ?? `of type ${type}`;
}

/** A request the schema refused. */
export function fromValidation(errors: AjvError[], body: unknown): FirstLineError {
  const out: FieldErrors = Object.create(null);
  for (const e of errors) {
    const entry = ajvError(e, body);
    if (entry) add(out, entry[0], entry[1]);
  }
  // Only `if` errors would leave nothing, and they never come alone; be safe anyway.
  if (Object.keys(out).length === 0) add(out, 'message', 'The message field is invalid.');
  return FirstLineError.invalid(out);
}

/**
 * A refusal of the native send path, its pointers mapped back to the FIRST LINE fields. Every
 * refusal of a send (bad field, channel limit, unreachable contact, an agent's conversation,
 * policy) is Laravel's 422; an internal error is Laravel's bare 500.
 */
export function fromAppError(error: AppError, paths: PathMap): FirstLineError {
  if (error.status >= 500) return new FirstLineError(500, 'Server Error');
  const out: FieldErrors = Object.create(null);
  for (const issue of error.issues) {
    if (issue.rule === 'conversation_owned_by_agent') {
      add(
        out,
        'is_force',
        sentence(
          `${issue.detail.replace(/; send with "force": true to override$/, '')}; set is_force to 1 to send anyway`,
        ),
      );
      continue;
    }
    const field = paths.resolve(issue.pointer);
    const name = attribute(field);
    add(
      out,
      field,
      issue.rule === 'recipient'
        ? sentence(`The ${name} field must be ${issue.detail}`)
        : sentence(`The ${name} field is invalid: ${issue.detail}`),
    );
  }
  if (Object.keys(out).length === 0) add(out, 'message', sentence(error.message));
  return FirstLineError.invalid(out);
}

/** Fastify's own refusals of the request (bad JSON, size, media type) and anything unexpected. */
export function fromFastifyError(error: FastifyError): FirstLineError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      // Fastify's parser does not say where; the message could only repeat that it failed.
      return FirstLineError.invalid({ body: ['The request body is not valid JSON.'] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new FirstLineError(413, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new FirstLineError(415, 'Send the request body as application/json.');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return FirstLineError.invalid({ body: [sentence(error.message)] });
  }
  return new FirstLineError(500, 'Server Error');
}

/** Refusals before routing under `/api/`, in Laravel's `{message}` shape under their own status. */
export const firstLineDialect: RefusalDialect = {
  path: /^\/api(\/|$)/,
  answer: (status, detail) => ({ status, body: new FirstLineError(status, detail).body }),
};
