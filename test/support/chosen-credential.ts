/**
 * Registers a compat credential whose secret the test chooses, straight in the store, as it would
 * have been kept had the client registered it itself: the API generates secrets, but the vendors'
 * seed examples carry fixed ones, and they are replayed verbatim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compatCredentialText } from '../../src/core/tenancy.ts';
import { type CredentialHasher, createCredentialHasher } from '../../src/lib/crypto.ts';
import { newId } from '../../src/lib/ids.ts';
import type { Gateway } from '../../src/runtime.ts';

/** The gateway's own keyed hash (its master key: from the config, or the data dir in sandbox mode). */
export function hasherOf(gw: Gateway): CredentialHasher {
  const masterKey = gw.config.masterKey ?? readFileSync(join(gw.config.dataDir, 'master.key'), 'utf8').trim();
  return createCredentialHasher(Buffer.from(masterKey, 'base64'));
}

export async function registerChosenCredential(
  gw: Gateway,
  vendor: string,
  principal: string,
  secret: string,
  tenantId = 'tn_default',
): Promise<void> {
  const hash = hasherOf(gw);
  await gw.store.tenants.addCompatCredential(tenantId, {
    id: newId('cred'),
    vendor,
    principal,
    credentialHash: hash(compatCredentialText(vendor, principal, secret)),
  });
}
