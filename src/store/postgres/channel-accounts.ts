import type { SecretBox } from '../../lib/crypto.ts';
import type { ChannelAccount, ChannelAccountRepository, ChannelAccountWithSecrets } from '../types.ts';
import type { PgDatabase, Tx } from './database.ts';

interface Row {
  id: string;
  tenant_id: string;
  channel: string;
  name: string;
  sandbox: boolean;
  credentials_enc: string;
  limits: string | null;
  created_at: string;
}

const toAccount = (r: Row): ChannelAccount => ({
  id: r.id,
  tenantId: r.tenant_id,
  channel: r.channel,
  name: r.name,
  sandbox: r.sandbox,
  ...(r.limits ? { limits: JSON.parse(r.limits) } : {}),
  createdAt: r.created_at,
});

const selectOne = async (tx: Tx, tenantId: string, id: string): Promise<Row | undefined> =>
  (await tx.query<Row>('SELECT * FROM channel_accounts WHERE tenant_id = $1 AND id = $2', [tenantId, id]))[0];

export function createChannelAccountRepository(db: PgDatabase, box: SecretBox): ChannelAccountRepository {
  const withSecrets = (row: Row): ChannelAccountWithSecrets => ({
    ...toAccount(row),
    credentials: JSON.parse(box.open(row.credentials_enc)),
  });
  // Unlike the embedded backend, the default account is not cached: another process may create a
  // tenant's first account of a channel at any time, and the lookup is one indexed read.
  return {
    create(tenantId, a) {
      return db.tenant(tenantId, async (tx) => {
        const createdAt = new Date().toISOString();
        await tx.query(
          `INSERT INTO channel_accounts (id, tenant_id, channel, name, sandbox, credentials_enc, limits, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            a.id,
            tenantId,
            a.channel,
            a.name,
            a.sandbox,
            box.seal(JSON.stringify(a.credentials)),
            a.limits ? JSON.stringify(a.limits) : null,
            createdAt,
          ],
        );
        return {
          id: a.id,
          tenantId,
          channel: a.channel,
          name: a.name,
          sandbox: a.sandbox,
          ...(a.limits ? { limits: a.limits } : {}),
          createdAt,
        };
      });
    },
    list(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<Row>('SELECT * FROM channel_accounts WHERE tenant_id = $1 ORDER BY created_at, id', [
            tenantId,
          ])
        ).map(toAccount),
      );
    },
    find(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id);
        return row ? toAccount(row) : undefined;
      });
    },
    get(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id);
        return row ? withSecrets(row) : undefined;
      });
    },
    setLimits(tenantId, id, limits) {
      return db.tenant(tenantId, async (tx) => {
        const empty = Object.keys(limits).length === 0;
        const [row] = await tx.query<Row>(
          'UPDATE channel_accounts SET limits = $1 WHERE tenant_id = $2 AND id = $3 RETURNING *',
          [empty ? null : JSON.stringify(limits), tenantId, id],
        );
        return row ? toAccount(row) : undefined;
      });
    },
    setCredentials(tenantId, id, credentials) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query('UPDATE channel_accounts SET credentials_enc = $1 WHERE tenant_id = $2 AND id = $3', [
          box.seal(JSON.stringify(credentials)),
          tenantId,
          id,
        ]);
      });
    },
    findForWebhook(id) {
      // Provider webhooks carry no API key: the router role may learn which tenant the account id
      // belongs to (nothing else of the row), and the account is then read as that tenant.
      return db.router(async (tx) => {
        const [owner] = await tx.query<{ tenant_id: string }>(
          'SELECT tenant_id FROM channel_accounts WHERE id = $1',
          [id],
        );
        if (!owner) return undefined;
        await tx.asTenant(owner.tenant_id);
        const row = await selectOne(tx, owner.tenant_id, id);
        return row ? withSecrets(row) : undefined;
      });
    },
    defaultFor(tenantId, channel) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<Row>(
          'SELECT * FROM channel_accounts WHERE tenant_id = $1 AND channel = $2 ORDER BY created_at, id LIMIT 1',
          [tenantId, channel],
        );
        return row ? toAccount(row) : undefined;
      });
    },
  };
}
