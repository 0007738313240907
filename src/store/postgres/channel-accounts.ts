import {
  AppIdTakenError,
  type ChannelAccount,
  type ChannelAccountRepository,
} from '../../core/ports/store.ts';
import type { SecretBox } from '../../lib/crypto.ts';
import {
  type AccountRow,
  createdAccount,
  toAccount,
  toAccountWithSecrets,
} from '../rows/channel-accounts.ts';
import type { PgDatabase, Tx } from './database.ts';

const selectOne = async (tx: Tx, tenantId: string, id: string): Promise<AccountRow | undefined> =>
  (
    await tx.query<AccountRow>('SELECT * FROM channel_accounts WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      id,
    ])
  )[0];

const DEFAULT_ACCOUNT_CACHE_MS = 5_000;

/** A write that another account's app id refused (the unique index), as the port's error. */
async function appIdChecked<T>(appId: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const pg = error as { code?: string; constraint?: string };
    if (appId && pg.code === '23505' && pg.constraint === 'channel_accounts_by_app_id') {
      throw new AppIdTakenError(appId);
    }
    throw error;
  }
}

export function createChannelAccountRepository(db: PgDatabase, box: SecretBox): ChannelAccountRepository {
  // The default account is the oldest of its channel, and accounts are never deleted, so once
  // found it stays the default; a short cache saves a transaction on every send. Misses are not
  // cached: another process may create a tenant's first account of a channel at any time. The
  // cached copy may carry limits a few seconds old, which a send does not read (the dispatcher
  // re-reads its accounts); the process that changes an account drops its copy at once. An
  // account named by id (`from`) is cached the same way: it too exists for good once found.
  const defaults = new Map<string, { account: ChannelAccount; until: number }>();
  const named = new Map<string, { account: ChannelAccount; until: number }>();
  const forget = (tenantId: string, row: Pick<AccountRow, 'id' | 'channel'>) => {
    defaults.delete(`${tenantId}\u0000${row.channel}`);
    named.delete(`${tenantId}\u0000${row.id}`);
  };
  const remember = (cache: typeof named, key: string, account: ChannelAccount) => {
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { account, until: Date.now() + DEFAULT_ACCOUNT_CACHE_MS });
  };
  return {
    create(tenantId, a) {
      return appIdChecked(a.appId, () =>
        db.tenant(tenantId, async (tx) => {
          const createdAt = new Date().toISOString();
          await tx.query(
            `INSERT INTO channel_accounts (id, tenant_id, channel, name, sandbox, credentials_enc, limits, app_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [
              a.id,
              tenantId,
              a.channel,
              a.name,
              a.sandbox,
              box.seal(JSON.stringify(a.credentials)),
              a.limits ? JSON.stringify(a.limits) : null,
              a.appId ?? null,
              createdAt,
            ],
          );
          return createdAccount(tenantId, a, createdAt);
        }),
      );
    },
    list(tenantId) {
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<AccountRow>(
            'SELECT * FROM channel_accounts WHERE tenant_id = $1 ORDER BY created_at, id',
            [tenantId],
          )
        ).map(toAccount),
      );
    },
    async find(tenantId, id) {
      const key = `${tenantId}\u0000${id}`;
      const hit = named.get(key);
      if (hit && hit.until > Date.now()) return hit.account;
      const account = await db.tenant(tenantId, async (tx) => {
        const row = await selectOne(tx, tenantId, id);
        return row ? toAccount(row) : undefined;
      });
      if (account) remember(named, key, account);
      return account;
    },
    async get(tenantId, id) {
      const [row] = await db.statement<AccountRow>(
        tenantId,
        'SELECT * FROM channel_accounts WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      return row ? toAccountWithSecrets(row, box) : undefined;
    },
    setLimits(tenantId, id, limits) {
      return db.tenant(tenantId, async (tx) => {
        const empty = Object.keys(limits).length === 0;
        const [row] = await tx.query<AccountRow>(
          'UPDATE channel_accounts SET limits = $1 WHERE tenant_id = $2 AND id = $3 RETURNING *',
          [empty ? null : JSON.stringify(limits), tenantId, id],
        );
        if (row) forget(tenantId, row);
        return row ? toAccount(row) : undefined;
      });
    },
    setAppId(tenantId, id, appId) {
      return appIdChecked(appId, () =>
        db.tenant(tenantId, async (tx) => {
          const [row] = await tx.query<AccountRow>(
            'UPDATE channel_accounts SET app_id = $1 WHERE tenant_id = $2 AND id = $3 RETURNING *',
            [appId, tenantId, id],
          );
          if (row) forget(tenantId, row);
          return row ? toAccount(row) : undefined;
        }),
      );
    },
    findByAppId(tenantId, channel, appId) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<AccountRow>(
          'SELECT * FROM channel_accounts WHERE tenant_id = $1 AND channel = $2 AND app_id = $3',
          [tenantId, channel, appId],
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
        return row ? toAccountWithSecrets(row, box) : undefined;
      });
    },
    async defaultFor(tenantId, channel) {
      const key = `${tenantId}\u0000${channel}`;
      const hit = defaults.get(key);
      if (hit && hit.until > Date.now()) return hit.account;
      const account = await db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<AccountRow>(
          'SELECT * FROM channel_accounts WHERE tenant_id = $1 AND channel = $2 ORDER BY created_at, id LIMIT 1',
          [tenantId, channel],
        );
        return row ? toAccount(row) : undefined;
      });
      if (account) remember(defaults, key, account);
      return account;
    },
  };
}
