/**
 * Fields a vendor's client sends that the façade does not know. The four vendors ignore them (seed
 * 003's own sample carries `gtrId` and `icmessage`; FIRST LINE is a Laravel application, which
 * reads only what it asks for), so a façade must too: a request is never refused for an unknown
 * field, only for a known one that is wrong. What was ignored is not silent: each field becomes a
 * degradation (`compat_field_ignored`) on every message the request made, shown by
 * GET /v1/messages/{id}.
 *
 * A façade's schema says which objects are closed: every `type: object` with `properties`, unless
 * it says `additionalProperties: true` (a block passed to the provider as sent). The route
 * validates with `lenient(schema)`, which lets unknown keys through; `ignoredFields(schema)` then
 * names them and returns the body without them, so no translation (nor a block sent as is) can
 * carry one to the provider.
 */
import type { ErrorObject } from 'ajv';
import type { Degradation } from '../../core/index.ts';
import { isObj } from '../../lib/json.ts';
import { validatorOnFirstUse } from '../../lib/schema-validator.ts';
import { pointerSegments, pointerToFieldPath } from './field-path.ts';

type Schema = Record<string | symbol, unknown>;

const isObjectSchema = (s: Schema) =>
  s['type'] === 'object' || (Array.isArray(s['type']) && (s['type'] as unknown[]).includes('object'));

/** A deep copy with `edit` applied to every schema object in it (symbol keys kept: TypeBox's Kind). */
function mapSchemas(value: unknown, edit: (s: Schema) => Schema): unknown {
  if (Array.isArray(value)) return value.map((v) => mapSchemas(v, edit));
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = {};
  for (const key of Reflect.ownKeys(value)) out[key] = mapSchemas((value as Schema)[key], edit);
  return edit(out);
}

/** The schema a route validates with: unknown keys pass, everything known is checked as before. */
export function lenient<T>(schema: T): T {
  return mapSchemas(schema, (s) => {
    if (s['additionalProperties'] !== false) return s;
    const { additionalProperties: _closed, ...open } = s;
    return open;
  }) as T;
}

/** Every object the schema describes closed, unless it says it is open. */
function closed(schema: unknown): unknown {
  return mapSchemas(schema, (s) =>
    isObjectSchema(s) && s['properties'] !== undefined && s['additionalProperties'] === undefined
      ? { ...s, additionalProperties: false }
      : s,
  );
}

export interface IgnoredField {
  /** JSON pointer into the request body. */
  pointer: string;
  /** The field as the vendor's documents write it: `channels.OTT-Messaging.fb.foo`. */
  field: string;
}

export interface WithoutIgnored<T> {
  body: T;
  ignored: IgnoredField[];
}

/**
 * A function that names the unknown fields of a body the route has validated (with `lenient`)
 * and returns a copy without them.
 */
export function ignoredFields(schema: unknown): <T>(body: T) => WithoutIgnored<T> {
  const validator = validatorOnFirstUse(closed(schema) as object);
  return <T>(body: T) => {
    const validate = validator();
    if (validate(body)) return { body, ignored: [] };
    const pointers = new Set(
      (validate.errors ?? [])
        .filter((e: ErrorObject) => e.keyword === 'additionalProperties')
        .map((e) => `${e.instancePath}/${escapeKey(String(e.params['additionalProperty']))}`),
    );
    if (pointers.size === 0) return { body, ignored: [] };
    const copy = structuredClone(body);
    for (const pointer of pointers) remove(copy, pointer);
    return {
      body: copy,
      ignored: [...pointers].sort().map((pointer) => ({ pointer, field: pointerToFieldPath(pointer) })),
    };
  };
}

const escapeKey = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function remove(root: unknown, pointer: string): void {
  const segments = pointerSegments(pointer);
  const last = segments.pop();
  let at: unknown = root;
  for (const s of segments) at = Array.isArray(at) ? at[Number(s)] : isObj(at) ? at[s] : undefined;
  if (isObj(at) && last !== undefined) delete at[last];
}

/** What a message records of the fields its request carried and the façade ignored. */
export const ignoredDegradations = (vendor: string, ignored: readonly IgnoredField[]): Degradation[] =>
  ignored.map((f) => ({
    pointer: f.pointer,
    from: f.field,
    to: `ignored: not a field of the ${vendor} API this gateway answers`,
    rule: 'compat_field_ignored',
  }));
