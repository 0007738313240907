/**
 * The 204 answer of a removal. The same JSON Schema as `Type.Null` (what OpenAPI publishes), but
 * typed as no body, so a handler answers with `reply.code(204).send()`: sending `null` would
 * serialise it and add a JSON content type to an answer that has no body.
 */
import { Type } from '@sinclair/typebox';

export const NoContent = (description?: string) =>
  Type.Unsafe<undefined>({ ...(description !== undefined ? { description } : {}), type: 'null' });
