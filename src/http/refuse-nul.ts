/**
 * What no body may hold, refused in one walk before validation:
 * - the NUL character (U+0000) in any string or key: PostgreSQL cannot store it in text, so the
 *   scale-out backend would otherwise fail such a request with a 500 (and the embedded one would
 *   accept what the other refuses);
 * - nesting deeper than MAX_DEPTH: JSON.parse accepts thousands of levels, and any recursive code
 *   after it (a façade's own walk, ajv, the serializer) would answer with a stack overflow.
 * The walk itself is lib/unsafe-input.ts, which the receive use case applies to decoded webhooks.
 * Raised as a schema validation error, so the native API and each vendor façade answer it in their
 * own words, naming the field.
 */
import type { FastifyRequest } from 'fastify';
import { unsafeInput } from '../lib/unsafe-input.ts';

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
