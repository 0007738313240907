/**
 * First-start setup of the embedded default: the default tenant, its API key, its callback signing
 * secret, and in sandbox mode one sandbox channel account per channel. Safe to run on every start.
 */

import type { ConnectorRegistry } from './channels/registry.ts';
import type { ChannelAccount, Store } from './core/ports/store.ts';
import { tenantByApiKey } from './core/tenancy.ts';
import { apiKeyPrefix, type CredentialHasher, generateApiKey, generateWebhookSecret } from './lib/crypto.ts';
import { newId } from './lib/ids.ts';

export const DEFAULT_TENANT_ID = 'tn_default';

export interface BootstrapResult {
  tenantId: string;
  /** Set only when a key was generated now: it is shown once and stored only as a hash. */
  generatedApiKey?: string;
  sandboxAccounts: ChannelAccount[];
  /**
   * Production mode: the sandbox accounts an earlier start in sandbox mode made on this data. They
   * stay (messages name them) but send and receive nothing; start-up says so.
   */
  unusedSandboxAccounts: ChannelAccount[];
}

export async function bootstrap(
  store: Store,
  connectors: ConnectorRegistry,
  options: { apiKey?: string | undefined; sandbox: boolean; credentialHash: CredentialHasher },
): Promise<BootstrapResult> {
  const tenant = await store.tenants.ensure(DEFAULT_TENANT_ID, 'default');
  await store.tenants.callbackSecret(tenant.id, generateWebhookSecret);
  let generatedApiKey: string | undefined;
  const hash = options.credentialHash;
  if (options.apiKey) {
    // Finding it first rewrites a key stored in the older, unkeyed form, rather than keep both.
    await tenantByApiKey(store, hash, options.apiKey);
    await store.tenants.addApiKey(tenant.id, hash(options.apiKey), apiKeyPrefix(options.apiKey));
  } else if (!(await store.tenants.hasApiKeys(tenant.id))) {
    generatedApiKey = generateApiKey();
    await store.tenants.addApiKey(tenant.id, hash(generatedApiKey), apiKeyPrefix(generatedApiKey));
  }
  const sandboxAccounts: ChannelAccount[] = [];
  const existing = await store.channelAccounts.list(tenant.id);
  if (options.sandbox) {
    for (const [name, connector] of Object.entries(connectors)) {
      let account = existing.find((a) => a.channel === name && a.sandbox);
      // The emulator accepts exactly the built-in credentials of this version; keep the sandbox
      // account in step with them, so a database from an older version keeps working.
      if (account)
        await store.channelAccounts.setCredentials(tenant.id, account.id, connector.sandboxCredentials);
      account ??= await store.channelAccounts.create(tenant.id, {
        id: newId('ca'),
        channel: name,
        name: `${connector.displayName} sandbox`,
        sandbox: true,
        credentials: connector.sandboxCredentials,
      });
      sandboxAccounts.push(account);
    }
  }
  return {
    tenantId: tenant.id,
    ...(generatedApiKey ? { generatedApiKey } : {}),
    sandboxAccounts,
    // Only this bootstrap makes sandbox accounts, and only for the default tenant.
    unusedSandboxAccounts: options.sandbox ? [] : existing.filter((a) => a.sandbox),
  };
}
