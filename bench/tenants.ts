/**
 * A second tenant for the isolation scenario. The API makes no tenants (the embedded default has
 * one, made at first start), so the bench writes one into the data dir through the store itself,
 * before the gateway opens it: the same migrations, the same keyed hash of its API key.
 */
import { FACADE_CALLBACK_FORMATS } from '../src/compat/index.ts';
import {
  apiKeyPrefix,
  createCredentialHasher,
  createSecretBox,
  generateWebhookSecret,
} from '../src/lib/crypto.ts';
import { createSqliteBackend } from '../src/store/sqlite/index.ts';
import { callbackPayloads } from '../src/webhooks/formats/registry.ts';
import { MASTER_KEY } from './setups.ts';

export async function seedTenant(dataDir: string, tenantId: string, apiKey: string): Promise<void> {
  const { store } = createSqliteBackend({
    path: `${dataDir}/omnigate.db`,
    secrets: createSecretBox(MASTER_KEY),
    callbackPayloads: callbackPayloads(FACADE_CALLBACK_FORMATS),
  });
  try {
    const tenant = await store.tenants.ensure(tenantId, tenantId);
    await store.tenants.callbackSecret(tenant.id, generateWebhookSecret);
    await store.tenants.addApiKey(
      tenant.id,
      createCredentialHasher(MASTER_KEY)(apiKey),
      apiKeyPrefix(apiKey),
    );
  } finally {
    await store.close();
  }
}
