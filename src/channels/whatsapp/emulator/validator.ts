/**
 * Send-message bodies against Meta's OpenAPI (spec.ts, compiled once, strict about undeclared
 * properties), then the rules Meta states only in prose (wire-limits.ts). Problems come back as
 * Meta words `error_data.details`: `Param interactive['action']['buttons'][0]['reply']['title'] ...`.
 */

import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { pointerSegments } from '../../../lib/json.ts';
import { openApiToJsonSchema } from '../../../sandbox/openapi-to-json-schema.ts';
import { loadWhatsAppSchemas } from './spec.ts';
import { wireLimitIssues } from './wire-limits.ts';

const SPEC_ID = 'https://omnigate.dev/specs/whatsapp/business-messaging-api';
const addFormats = addFormatsModule.default;

/** Each string is one `details` sentence; empty means the body is acceptable. */
export type WhatsAppBodyValidator = (body: unknown) => string[];

export interface WhatsAppValidators {
  message: WhatsAppBodyValidator;
  markRead: WhatsAppBodyValidator;
}

export function createWhatsAppValidators(schemas = loadWhatsAppSchemas()): WhatsAppValidators {
  const ajv = new Ajv2019({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv);
  // Meta's `format: url` is not a JSON Schema format; `link` is checked for http(s) by pattern.
  ajv.addFormat('url', true);
  ajv.addSchema(
    openApiToJsonSchema(schemas, { id: SPEC_ID, roots: ['Message', 'MarkReadRequest'], strict: true }),
  );
  const compile = (name: string): WhatsAppBodyValidator => {
    const validate = ajv.getSchema(`${SPEC_ID}#/$defs/${name}`);
    if (!validate) throw new Error(`WhatsApp spec has no schema ${name}`);
    return (body) => (validate(body) ? [] : toDetails(validate.errors ?? []));
  };
  const message = compile('Message');
  return {
    message: (body) => {
      const shape = message(body);
      return shape.length > 0 ? shape : wireLimitIssues(body);
    },
    markRead: compile('MarkReadRequest'),
  };
}

/** `/interactive/action/buttons/0` → `interactive['action']['buttons'][0]`, Meta's notation. */
export function toParam(pointer: string, child?: string): string {
  const parts = pointerSegments(pointer);
  if (child !== undefined) parts.push(child);
  return parts.reduce((acc, part, i) => {
    if (/^\d+$/.test(part)) return `${acc}[${part}]`;
    return i === 0 ? part : `${acc}['${part}']`;
  }, '');
}

function toDetails(errors: ErrorObject[]): string[] {
  const out = new Set<string>();
  for (const e of errors) {
    const d = toDetail(e);
    if (d !== undefined) out.add(d);
  }
  return [...out];
}

function toDetail(e: ErrorObject): string | undefined {
  const params = e.params as Record<string, unknown>;
  const at = toParam(e.instancePath);
  switch (e.keyword) {
    case 'if':
    case 'oneOf':
    case 'anyOf':
      // The failing branch reports itself; "must match" adds nothing, except when no branch fits.
      return e.keyword === 'oneOf' &&
        params['passingSchemas'] !== null &&
        params['passingSchemas'] !== undefined
        ? `Param ${at || 'body'} matches more than one form (give exactly one of them)`
        : undefined;
    case 'required':
      return `The parameter ${toParam(e.instancePath, String(params['missingProperty']))} is required.`;
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const key = String(params['unevaluatedProperty'] ?? params['additionalProperty']);
      return `Param ${toParam(e.instancePath, key)} is not a valid parameter.`;
    }
    case 'enum':
    case 'const': {
      const allowed = (params['allowedValues'] as unknown[] | undefined) ?? [params['allowedValue']];
      return `Param ${at} must be one of {${allowed.map(String).join(', ')}}.`;
    }
    case 'maxLength':
      return `Param ${at} must be at most ${String(params['limit'])} characters long.`;
    case 'minLength':
      return `Param ${at} must be at least ${String(params['limit'])} characters long.`;
    case 'maxItems':
      return `Param ${at} must have at most ${String(params['limit'])} elements.`;
    case 'minItems':
      return `Param ${at} must have at least ${String(params['limit'])} elements.`;
    case 'type':
      return `Param ${at} must be a ${String(params['type'])}.`;
    case 'pattern':
      return `Param ${at} is not in a valid format.`;
    default:
      return `Param ${at} ${e.message ?? 'is invalid'}.`;
  }
}
