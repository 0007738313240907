/**
 * The NUL character (U+0000) is refused in every string a client sends, wherever it is: PostgreSQL
 * cannot store it in text, so the scale-out backend would otherwise fail such a request with a 500
 * (and the embedded one would accept what the other refuses). Raised as a schema validation
 * error, so the native API and each vendor façade answer it in their own words, naming the field.
 */
import type { FastifyRequest } from 'fastify';

const NUL = '\u0000';

/** The JSON pointer of the first string (or key) in `value` holding a NUL, if any. */
export function nulPointer(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? at : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPointer(value[i], `${at}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  // Plain parsed JSON only: a Buffer body (a signed provider webhook) is checked by its handler.
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes(NUL)) return here;
    const found = nulPointer(item, here);
    if (found !== undefined) return found;
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
