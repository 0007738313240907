import type { CompatCredential, Tenant, TenantRepository } from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import type { PgDatabase, Tx } from './database.ts';

const readTenant = async (tx: Tx, id: string): Promise<Tenant | undefined> =>
  (await tx.query<Tenant>('SELECT id, name FROM tenants WHERE id = $1', [id]))[0];

export function createTenantRepository(db: PgDatabase, box: SecretBox): TenantRepository {
  /**
   * A credential names its tenant before any tenant is known: the router role reads which tenant
   * that is (the only column it may read), then the tenant itself is read in its own context.
   */
  const tenantNamedBy = (sql: string, params: unknown[]) =>
    db.router(async (tx) => {
      const [owner] = await tx.query<{ tenant_id: string }>(sql, params);
      if (!owner) return undefined;
      await tx.asTenant(owner.tenant_id);
      return readTenant(tx, owner.tenant_id);
    });

  return {
    ensure(id, name) {
      return db.tenant(id, async (tx) => {
        await tx.query(
          'INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
          [id, name, new Date().toISOString()],
        );
        return (await readTenant(tx, id))!;
      });
    },
    addApiKey(tenantId, keyHash, prefix) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          'INSERT INTO api_keys (hash, tenant_id, prefix, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO NOTHING',
          [keyHash, tenantId, prefix, new Date().toISOString()],
        );
      });
    },
    hasApiKeys(tenantId) {
      return db.tenant(
        tenantId,
        async (tx) =>
          (await tx.query('SELECT 1 FROM api_keys WHERE tenant_id = $1 LIMIT 1', [tenantId])).length > 0,
      );
    },
    findByApiKeyHash(keyHash) {
      return tenantNamedBy('SELECT tenant_id FROM api_keys WHERE hash = $1', [keyHash]);
    },
    rehashApiKey(tenantId, oldHash, newHash) {
      return db.tenant(tenantId, async (tx) => {
        // The key may be stored in both forms (configured again at a start): keep one.
        await tx.query('DELETE FROM api_keys WHERE hash = $1 AND tenant_id = $2', [newHash, tenantId]);
        await tx.query('UPDATE api_keys SET hash = $1 WHERE hash = $2 AND tenant_id = $3', [
          newHash,
          oldHash,
          tenantId,
        ]);
      });
    },
    callbackSecret(tenantId, create) {
      return db.tenant(tenantId, async (tx) => {
        const read = async (lock: string) =>
          (
            await tx.query<{ callback_secret_enc: string | null }>(
              `SELECT callback_secret_enc FROM tenants WHERE id = $1 ${lock}`,
              [tenantId],
            )
          )[0];
        // Read without a lock first: the secret exists on every call but the first. A lock is
        // taken only to create it, so two processes asking at once agree on one secret; NO KEY
        // UPDATE, because FOR UPDATE would also wait for, and stall, every insert whose foreign
        // key checks this tenant (each accept), for as long as the transaction lasts.
        const found = await read('');
        if (found?.callback_secret_enc) return box.open(found.callback_secret_enc);
        const row = await read('FOR NO KEY UPDATE');
        if (!row) throw new Error(`Unknown tenant ${tenantId}`);
        if (row.callback_secret_enc) return box.open(row.callback_secret_enc);
        const secret = create();
        await tx.query('UPDATE tenants SET callback_secret_enc = $1 WHERE id = $2', [
          box.seal(secret),
          tenantId,
        ]);
        return secret;
      });
    },
    addCompatCredential(tenantId, c) {
      return db.tenant(tenantId, async (tx) => {
        const createdAt = new Date().toISOString();
        await tx.query(
          `INSERT INTO compat_credentials (id, tenant_id, vendor, principal, credential_hash, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [c.id, tenantId, c.vendor, c.principal, c.credentialHash, createdAt],
        );
        return { id: c.id, vendor: c.vendor, principal: c.principal, createdAt };
      });
    },
    listCompatCredentials(tenantId) {
      return db.tenant(tenantId, (tx) =>
        tx.query<CompatCredential>(
          `SELECT id, vendor, principal, created_at AS "createdAt" FROM compat_credentials
           WHERE tenant_id = $1 ORDER BY created_at, id`,
          [tenantId],
        ),
      );
    },
    removeCompatCredential(tenantId, id) {
      return db.tenant(
        tenantId,
        async (tx) =>
          (
            await tx.query('DELETE FROM compat_credentials WHERE tenant_id = $1 AND id = $2 RETURNING id', [
              tenantId,
              id,
            ])
          ).length > 0,
      );
    },
    rehashCompatCredential(tenantId, vendor, oldHash, newHash) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          'UPDATE compat_credentials SET credential_hash = $1 WHERE tenant_id = $2 AND vendor = $3 AND credential_hash = $4',
          [newHash, tenantId, vendor, oldHash],
        );
      });
    },
    findByCompatCredential(vendor, credentialHash) {
      return tenantNamedBy(
        'SELECT tenant_id FROM compat_credentials WHERE vendor = $1 AND credential_hash = $2',
        [vendor, credentialHash],
      );
    },
  };
}
