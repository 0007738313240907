/**
 * Idempotency keys (IETF draft-ietf-httpapi-idempotency-key-header): the same key with the same body
 * answers the first answer again; the same key with another body is a 422. The fingerprint is a
 * hash of the body with object keys sorted, so key order and whitespace do not matter.
 */
import { createHash } from 'node:crypto';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function fingerprint(route: string, body: unknown): string {
  return createHash('sha256')
    .update(route)
    .update('\n')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
