/**
 * What no body may hold, refused in one walk before validation:
 * - the NUL character (U+0000) in any string or key: PostgreSQL cannot store it in text, so the
 *   scale-out backend would otherwise fail such a request with a 500 (and the embedded one would
 *   accept what the other refuses);
 * - nesting deeper than MAX_DEPTH: JSON.parse accepts thousands of levels, and any recursive code
 *   after it (a façade's own walk, ajv, the serializer) would answer with a stack overflow.
 * Raised as a schema validation error, so the native API and each vendor façade answer it in their
 * own words, naming the field.
 */
import type { FastifyRequest } from 'fastify';

const NUL = '\u0000';

/** Deeper than any request a route documents (the deepest, a card's button's action, is ~10). */
export const MAX_DEPTH = 32;

export interface UnsafeInput {
  pointer: string;
  rule: 'noNulCharacter' | 'maxDepth';
  message: string;
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
const DEPTH_MESSAGE = `nests deeper than ${MAX_DEPTH} levels`;

/**
 * The first NUL or over-deep container in `value`, in document order. Walked with an explicit
 * stack, not recursion, so the walk itself cannot overflow whatever the nesting.
 */
export function unsafeInput(value: unknown): UnsafeInput | undefined {
  const pending: Array<[unknown, string, number]> = [[value, '', 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at, depth] = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return { pointer: at, rule: 'noNulCharacter', message: NUL_MESSAGE };
      continue;
    }
    // Plain parsed JSON only: a Buffer body (a signed provider webhook) is checked by its handler.
    if (item === null || typeof item !== 'object' || Buffer.isBuffer(item)) continue;
    if (depth >= MAX_DEPTH) return { pointer: at, rule: 'maxDepth', message: DEPTH_MESSAGE };
    const entries = Array.isArray(item)
      ? item.map((child, i) => [String(i), child] as const)
      : Object.entries(item);
    // Pushed last to first, so the first NUL in document order is the one named; a key holding a
    // NUL is named by its own pointer (the key string itself is what gets checked).
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      pending.push([
        key.includes(NUL) ? key : child,
        `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        depth + 1,
      ]);
    }
  }
  return undefined;
}

const PARTS = [
  ['body', (r: FastifyRequest) => r.body],
  ['querystring', (r: FastifyRequest) => r.query],
  ['params', (r: FastifyRequest) => r.params],
] as const;

/** A preValidation hook: the request's first NUL or over-deep nesting, as Fastify's own validation error. */
export async function refuseUnsafeInput(request: FastifyRequest): Promise<void> {
  for (const [context, part] of PARTS) {
    const found = unsafeInput(part(request));
    if (found === undefined) continue;
    const { pointer, rule, message } = found;
    throw Object.assign(new Error(`${context}${pointer} ${message}`), {
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      validation: [{ instancePath: pointer, keyword: rule, message, params: {} }],
      validationContext: context,
    });
  }
}
