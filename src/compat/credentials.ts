/**
 * How a vendor façade finds the tenant behind a request. A client that switches from a vendor
 * keeps sending that vendor's style of credential (Konnek's Auth-username / Auth-password,
 * Infobip's HTTP Basic, Webex Connect's service `key`, a bearer token for FIRST LINE); each style
 * resolves to one of:
 *
 * - a credential registered for the tenant with POST /v1/compat-credentials (only a hash is kept);
 * - the tenant's own Omnigate API key given as the secret, so that a fresh gateway can be tried
 *   with nothing registered.
 */
import { createHash } from 'node:crypto';
import { hashApiKey } from '../lib/crypto.ts';
import type { Store, Tenant } from '../store/types.ts';

export const COMPAT_VENDORS = ['firstline', 'konnek', 'webex', 'infobip'] as const;
export type CompatVendor = (typeof COMPAT_VENDORS)[number];

export function compatCredentialHash(vendor: CompatVendor, principal: string, secret: string): string {
  // NUL separators: no principal / secret split can collide with another.
  return createHash('sha256').update(`${vendor}\0${principal}\0${secret}`).digest('hex');
}

export type CompatTenantResolver = (principal: string, secret: string) => Promise<Tenant | undefined>;

/** A resolver for one vendor, with a short cache: a store lookup per request is not free. */
export function compatTenantResolver(store: Store, vendor: CompatVendor): CompatTenantResolver {
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return async (principal, secret) => {
    if (secret === '') return undefined;
    const hash = compatCredentialHash(vendor, principal, secret);
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.tenant;
    const tenant =
      (await store.tenants.findByCompatCredential(vendor, hash)) ??
      (await store.tenants.findByApiKeyHash(hashApiKey(secret)));
    if (!tenant) return undefined;
    if (cache.size > 10_000) cache.clear();
    // Short enough that a removed credential stops working within seconds.
    cache.set(hash, { tenant, until: now + 5_000 });
    return tenant;
  };
}
