/**
 * The NUL character (U+0000) is refused in every string a client sends, wherever it is: PostgreSQL
 * cannot store it in text, so the scale-out backend would otherwise fail such a request with a 500
 * (and the embedded one would accept what the other refuses). Raised as a schema validation
 * error, so the native API and each vendor façade answer it in their own words, naming the field.
 */
import type { FastifyRequest } from 'fastify';

const NUL = '\u0000';

/**
 * The JSON pointer of the first string (or key) in `value` holding a NUL, if any. Walked with an
 * explicit stack, not recursion: JSON.parse accepts nesting thousands of levels deep, and a
 * recursive walk would answer such a body with a stack overflow (a 500) instead of a verdict.
 */
export function nulPointer(value: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[value, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at] = next;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return at;
      continue;
    }
    // Plain parsed JSON only: a Buffer body (a signed provider webhook) is checked by its handler.
    if (item === null || typeof item !== 'object' || Buffer.isBuffer(item)) continue;
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

/** A preValidation hook: the request's first NUL, as Fastify's own validation error. */
export async function refuseNulCharacters(request: FastifyRequest): Promise<void> {
  for (const [context, part] of PARTS) {
    const pointer = nulPointer(part(request));
    if (pointer === undefined) continue;
    const message = 'must not contain the NUL character (U+0000)';
    throw Object.assign(new Error(`${context}${pointer} ${message}`), {
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      validation: [{ instancePath: pointer, keyword: 'noNulCharacter', message, params: {} }],
      validationContext: context,
    });
  }
}
