import type { CompatCredential, TenantRepository } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createTenantRepository(db: Db, writer: GroupCommitter, box: SecretBox): TenantRepository {
  const prepare = statementCache(db);
  const select = prepare('SELECT id, name FROM tenants WHERE id = ?');
  return {
    ensure(id, name) {
      return writer.run(() => {
        prepare(
          'INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
        ).run(id, name, new Date().toISOString());
        return select.get(id) as { id: string; name: string };
      });
    },
    addApiKey(tenantId, keyHash, prefix) {
      return writer.run(() => {
        prepare(
          'INSERT INTO api_keys (hash, tenant_id, prefix, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
        ).run(keyHash, tenantId, prefix, new Date().toISOString());
      });
    },
    async hasApiKeys(tenantId) {
      return prepare('SELECT 1 FROM api_keys WHERE tenant_id = ? LIMIT 1').get(tenantId) !== undefined;
    },
    async findByApiKeyHash(keyHash) {
      return prepare(
        'SELECT t.id, t.name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ?',
      ).get(keyHash) as { id: string; name: string } | undefined;
    },
    rehashApiKey(tenantId, oldHash, newHash) {
      return writer.run(() => {
        // The key may be stored in both forms (configured again at a start): keep one.
        prepare('DELETE FROM api_keys WHERE hash = ? AND tenant_id = ?').run(newHash, tenantId);
        prepare('UPDATE api_keys SET hash = ? WHERE hash = ? AND tenant_id = ?').run(
          newHash,
          oldHash,
          tenantId,
        );
      });
    },
    callbackSecret(tenantId, create) {
      return writer.run(() => {
        const row = prepare('SELECT callback_secret_enc FROM tenants WHERE id = ?').get(tenantId) as
          | { callback_secret_enc: string | null }
          | undefined;
        if (!row) throw new Error(`Unknown tenant ${tenantId}`);
        if (row.callback_secret_enc) return box.open(row.callback_secret_enc);
        const secret = create();
        prepare('UPDATE tenants SET callback_secret_enc = ? WHERE id = ?').run(box.seal(secret), tenantId);
        return secret;
      });
    },
    addCompatCredential(tenantId, c) {
      return writer.run(() => {
        const createdAt = new Date().toISOString();
        prepare(
          `INSERT INTO compat_credentials (id, tenant_id, vendor, principal, credential_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(c.id, tenantId, c.vendor, c.principal, c.credentialHash, createdAt);
        return { id: c.id, vendor: c.vendor, principal: c.principal, createdAt };
      });
    },
    async listCompatCredentials(tenantId) {
      return prepare(
        `SELECT id, vendor, principal, created_at AS createdAt FROM compat_credentials
         WHERE tenant_id = ? ORDER BY created_at, id`,
      ).all(tenantId) as CompatCredential[];
    },
    removeCompatCredential(tenantId, id) {
      return writer.run(
        () =>
          prepare('DELETE FROM compat_credentials WHERE tenant_id = ? AND id = ?').run(tenantId, id).changes >
          0,
      );
    },
    rehashCompatCredential(tenantId, vendor, oldHash, newHash) {
      return writer.run(() => {
        prepare(
          'UPDATE compat_credentials SET credential_hash = ? WHERE tenant_id = ? AND vendor = ? AND credential_hash = ?',
        ).run(newHash, tenantId, vendor, oldHash);
      });
    },
    async findByCompatCredential(vendor, credentialHash) {
      return prepare(
        `SELECT t.id, t.name FROM compat_credentials c JOIN tenants t ON t.id = c.tenant_id
         WHERE c.vendor = ? AND c.credential_hash = ?`,
      ).get(vendor, credentialHash) as { id: string; name: string } | undefined;
    },
  };
}
