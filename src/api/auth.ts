/**
 * Bearer API-key authentication. Keys are looked up by their keyed hash; the tenant found is the
 * only tenant any handler of the request can touch.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../core/ports/store.ts';
import { tenantByApiKey } from '../core/tenancy.ts';
import { AppError } from '../core/vocabulary/errors.ts';
import type { CredentialHasher } from '../lib/crypto.ts';

declare module 'fastify' {
  interface FastifyRequest {
    tenantId: string;
  }
}

export function bearerAuth(store: Store, hash: CredentialHasher) {
  // A small cache: hashing is cheap, but a store lookup per request is not free.
  const cache = new Map<string, { tenantId: string; until: number }>();
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) {
      throw new AppError('GW_UNAUTHORIZED', 'Send your API key as Authorization: Bearer <key>');
    }
    const key = match[1]!;
    const cacheKey = hash(key);
    const now = Date.now();
    const hit = cache.get(cacheKey);
    if (hit && hit.until > now) {
      request.tenantId = hit.tenantId;
      return;
    }
    const tenant = await tenantByApiKey(store, hash, key);
    if (!tenant) throw new AppError('GW_UNAUTHORIZED', 'The API key is not valid');
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, { tenantId: tenant.id, until: now + 30_000 });
    request.tenantId = tenant.id;
  };
}
