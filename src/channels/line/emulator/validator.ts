/**
 * Request validation for the LINE emulator: LINE's OpenAPI schemas (compiled at start-up, strict
 * about unknown properties) followed by the limits LINE states only in prose. Errors come back as
 * LINE words them: `{ property: "messages[0].text", message: "May not be empty" }`.
 */

import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { pointerSegments } from '../../../lib/json.ts';
import { openApiToJsonSchema } from '../../../sandbox/openapi-to-json-schema.ts';
import { type LineErrorDetail, messageLimitIssues } from '../provider/wire-limits.ts';
import { findLineSpecsDir, loadLineSpec } from './spec-files.ts';

export type { LineErrorDetail };

export type LineBodyValidator = (body: unknown) => LineErrorDetail[];

export interface LineValidators {
  push: LineBodyValidator;
  reply: LineBodyValidator;
  loading: LineBodyValidator;
  /** Webhook bodies, for checking what the emulator itself sends. */
  webhook: LineBodyValidator;
}

const MESSAGING_ID = 'https://omnigate.dev/specs/line/messaging-api';
const WEBHOOK_ID = 'https://omnigate.dev/specs/line/webhook';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

export function createLineValidators(dir: string = findLineSpecsDir()): LineValidators {
  const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv);
  const messaging = loadLineSpec('messaging', dir).components?.schemas ?? {};
  const webhook = loadLineSpec('webhook', dir).components?.schemas ?? {};
  ajv.addSchema(
    openApiToJsonSchema(messaging, {
      id: MESSAGING_ID,
      roots: ['PushMessageRequest', 'ReplyMessageRequest', 'ShowLoadingAnimationRequest'],
      strict: true,
    }),
  );
  ajv.addSchema(openApiToJsonSchema(webhook, { id: WEBHOOK_ID, roots: ['CallbackRequest'], strict: true }));

  const schema = (id: string, name: string): LineBodyValidator => {
    const validate = ajv.getSchema(`${id}#/$defs/${name}`);
    if (!validate) throw new Error(`LINE spec has no schema ${name}`);
    return (body) => (validate(body) ? [] : toDetails(validate.errors ?? []));
  };
  const push = schema(MESSAGING_ID, 'PushMessageRequest');
  const reply = schema(MESSAGING_ID, 'ReplyMessageRequest');
  // Prose limits are only meaningful on a body whose shape is right.
  const withLimits =
    (shape: LineBodyValidator): LineBodyValidator =>
    (body) => {
      const issues = shape(body);
      if (issues.length > 0) return issues;
      // LINE's answer names the property and the problem, not our rule.
      return messageLimitIssues(body).map(({ property, message }) => ({ property, message }));
    };
  return {
    push: withLimits(push),
    reply: withLimits(reply),
    loading: schema(MESSAGING_ID, 'ShowLoadingAnimationRequest'),
    webhook: schema(WEBHOOK_ID, 'CallbackRequest'),
  };
}

/** `/messages/0/quickReply` + `items` → `messages[0].quickReply.items`, LINE's property notation. */
export function toLineProperty(pointer: string, child?: string): string {
  const parts = pointerSegments(pointer);
  if (child !== undefined) parts.push(child);
  return parts.reduce(
    (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
    '',
  );
}

function toDetails(errors: ErrorObject[]): LineErrorDetail[] {
  const seen = new Set<string>();
  const out: LineErrorDetail[] = [];
  for (const e of errors) {
    const detail = toDetail(e);
    if (!detail) continue;
    const key = `${detail.property}\u0000${detail.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(detail);
  }
  return out;
}

function toDetail(e: ErrorObject): LineErrorDetail | undefined {
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const at = toLineProperty(e.instancePath);
  switch (e.keyword) {
    case 'if':
      // The dispatcher's branch errors are reported themselves; "must match then" adds nothing.
      return undefined;
    case 'required':
      return {
        property: toLineProperty(e.instancePath, String(params['missingProperty'])),
        message: 'must be specified',
      };
    case 'unevaluatedProperties':
      return {
        property: toLineProperty(e.instancePath, String(params['unevaluatedProperty'])),
        message: 'Unknown property',
      };
    case 'enum':
      return {
        property: at,
        message: `Must be one of the following values: [${oneOf(params['allowedValues'])}]`,
      };
    case 'const':
      return {
        property: at,
        message: `Must be one of the following values: [${oneOf([params['allowedValue']])}]`,
      };
    case 'minLength':
      if (params['limit'] === 1) return { property: at, message: 'May not be empty' };
      return {
        property: at,
        message: `Length must be between ${params['limit']} and ${parent['maxLength'] ?? 'unlimited'}`,
      };
    case 'maxLength':
      return {
        property: at,
        message: `Length must be between ${parent['minLength'] ?? 0} and ${params['limit']}`,
      };
    case 'minItems':
    case 'maxItems':
      return {
        property: at,
        message: `Size must be between ${parent['minItems'] ?? 0} and ${parent['maxItems'] ?? 'unlimited'}`,
      };
    case 'minimum':
    case 'maximum':
      return {
        property: at,
        message: `Must be between ${parent['minimum'] ?? '-∞'} and ${parent['maximum'] ?? '∞'}`,
      };
    case 'type':
      return { property: at, message: `Must be of type ${String(params['type'])}` };
    case 'format':
      return { property: at, message: `Must be a valid ${String(params['format'])}` };
    default:
      return { property: at, message: e.message ?? 'is invalid' };
  }
}

function oneOf(values: unknown): string {
  return Array.isArray(values) ? values.map(String).join(', ') : '';
}
