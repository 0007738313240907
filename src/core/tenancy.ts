/**
 * Finding the tenant of a presented credential (an API key, a vendor-style compat credential).
 * Both are stored as keyed hashes; a row still in the unsalted SHA-256 of older versions is found
 * by that hash and rewritten keyed on its first successful use, since only then is the plaintext
 * at hand.
 */
import { type CredentialHasher, legacyCredentialHash } from '../lib/crypto.ts';
import type { Store, Tenant } from './ports/store.ts';

export async function tenantByApiKey(
  store: Store,
  hash: CredentialHasher,
  key: string,
): Promise<Tenant | undefined> {
  const keyed = hash(key);
  const tenant = await store.tenants.findByApiKeyHash(keyed);
  if (tenant) return tenant;
  const legacy = legacyCredentialHash(key);
  const old = await store.tenants.findByApiKeyHash(legacy);
  if (old) await store.tenants.rehashApiKey(old.id, legacy, keyed);
  return old;
}

/** The input of a compat credential's hash; NUL separators, so no split of the parts collides. */
export const compatCredentialText = (vendor: string, principal: string, secret: string) =>
  `${vendor}\0${principal}\0${secret}`;

export async function tenantByCompatCredential(
  store: Store,
  hash: CredentialHasher,
  vendor: string,
  principal: string,
  secret: string,
): Promise<Tenant | undefined> {
  const text = compatCredentialText(vendor, principal, secret);
  const keyed = hash(text);
  const tenant = await store.tenants.findByCompatCredential(vendor, keyed);
  if (tenant) return tenant;
  const legacy = legacyCredentialHash(text);
  const old = await store.tenants.findByCompatCredential(vendor, legacy);
  if (old) await store.tenants.rehashCompatCredential(old.id, vendor, legacy, keyed);
  return old;
}
