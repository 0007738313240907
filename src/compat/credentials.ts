/**
 * How a vendor façade finds the tenant behind a request. A client that switches from a vendor
 * keeps sending that vendor's style of credential (Konnek's Auth-username / Auth-password,
 * Infobip's HTTP Basic, Webex Connect's service `key`, a bearer token for FIRST LINE); each style
 * resolves to one of:
 *
 * - a credential registered for the tenant with POST /v1/compat-credentials (its secret generated
 *   by Omnigate, only a keyed hash kept);
 * - the tenant's own Omnigate API key given as the secret, so that a fresh gateway can be tried
 *   with nothing registered.
 */

import type { Store, Tenant } from '../core/index.ts';
import { tenantByApiKey, tenantByCompatCredential } from '../core/index.ts';
import type { CredentialHasher } from '../lib/crypto.ts';

export const COMPAT_VENDORS = ['firstline', 'konnek', 'webex', 'infobip'] as const;
export type CompatVendor = (typeof COMPAT_VENDORS)[number];

export type CompatTenantResolver = (principal: string, secret: string) => Promise<Tenant | undefined>;

/** A resolver for one vendor, with a short cache: a store lookup per request is not free. */
export function compatTenantResolver(
  store: Store,
  hash: CredentialHasher,
  vendor: CompatVendor,
): CompatTenantResolver {
  const cache = new Map<string, { tenant: Tenant; until: number }>();
  return async (principal, secret) => {
    if (secret === '') return undefined;
    const cacheKey = hash(`${vendor}\0${principal}\0${secret}`);
    const now = Date.now();
    const hit = cache.get(cacheKey);
    if (hit && hit.until > now) return hit.tenant;
    const tenant =
      (await tenantByCompatCredential(store, hash, vendor, principal, secret)) ??
      (await tenantByApiKey(store, hash, secret));
    if (!tenant) return undefined;
    if (cache.size > 10_000) cache.clear();
    // Short enough that a removed credential stops working within seconds.
    cache.set(cacheKey, { tenant, until: now + 5_000 });
    return tenant;
  };
}
