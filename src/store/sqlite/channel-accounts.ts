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
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createChannelAccountRepository(
  db: Db,
  writer: GroupCommitter,
  box: SecretBox,
): ChannelAccountRepository {
  const prepare = statementCache(db);
  // Every send without `from` asks for the default account; one process owns this file, so a map
  // kept in step with `create` is exact.
  const defaults = new Map<string, ChannelAccount | undefined>();
  // Every send names or defaults to an account: read once, kept until this repository changes it
  // (its limits, its app id; credentials are not part of it). Bounded, as ids are the callers'.
  const found = new Map<string, ChannelAccount>();
  const accountKey = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;
  const remember = (key: string, account: ChannelAccount) => {
    if (found.size >= 10_000) found.clear();
    found.set(key, account);
  };
  /** The one writer runs this and the write after it in one transaction, so the check is exact. */
  const refuseTakenAppId = (tenantId: string, channel: string, appId: string, id: string) => {
    const other = prepare(
      'SELECT id FROM channel_accounts WHERE tenant_id = ? AND channel = ? AND app_id = ? AND id <> ?',
    ).get(tenantId, channel, appId, id);
    if (other !== undefined) throw new AppIdTakenError(appId);
  };
  return {
    create(tenantId, a) {
      return writer.run(() => {
        const createdAt = new Date().toISOString();
        if (a.appId !== undefined) refuseTakenAppId(tenantId, a.channel, a.appId, a.id);
        prepare(
          `INSERT INTO channel_accounts (id, tenant_id, channel, name, sandbox, credentials_enc, limits, app_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          a.id,
          tenantId,
          a.channel,
          a.name,
          a.sandbox ? 1 : 0,
          box.seal(JSON.stringify(a.credentials)),
          a.limits ? JSON.stringify(a.limits) : null,
          a.appId ?? null,
          createdAt,
        );
        defaults.delete(`${tenantId}\u0000${a.channel}`);
        return createdAccount(tenantId, a, createdAt);
      });
    },
    async list(tenantId) {
      const rows = prepare('SELECT * FROM channel_accounts WHERE tenant_id = ? ORDER BY created_at, id').all(
        tenantId,
      ) as AccountRow[];
      return rows.map(toAccount);
    },
    async find(tenantId, id) {
      const key = accountKey(tenantId, id);
      const cached = found.get(key);
      if (cached) return cached;
      const row = prepare('SELECT * FROM channel_accounts WHERE tenant_id = ? AND id = ?').get(
        tenantId,
        id,
      ) as AccountRow | undefined;
      if (!row) return undefined;
      const account = toAccount(row);
      remember(key, account);
      return account;
    },
    async get(tenantId, id) {
      const row = prepare('SELECT * FROM channel_accounts WHERE tenant_id = ? AND id = ?').get(
        tenantId,
        id,
      ) as AccountRow | undefined;
      return row ? toAccountWithSecrets(row, box) : undefined;
    },
    setLimits(tenantId, id, limits) {
      return writer.run(() => {
        const empty = Object.keys(limits).length === 0;
        prepare('UPDATE channel_accounts SET limits = ? WHERE tenant_id = ? AND id = ?').run(
          empty ? null : JSON.stringify(limits),
          tenantId,
          id,
        );
        const row = prepare('SELECT * FROM channel_accounts WHERE tenant_id = ? AND id = ?').get(
          tenantId,
          id,
        ) as AccountRow | undefined;
        found.delete(accountKey(tenantId, id));
        if (row) defaults.delete(`${tenantId}\u0000${row.channel}`);
        return row ? toAccount(row) : undefined;
      });
    },
    setAppId(tenantId, id, appId) {
      return writer.run(() => {
        const row = prepare('SELECT * FROM channel_accounts WHERE tenant_id = ? AND id = ?').get(
          tenantId,
          id,
        ) as AccountRow | undefined;
        if (!row) return undefined;
        if (appId !== null) refuseTakenAppId(tenantId, row.channel, appId, id);
        prepare('UPDATE channel_accounts SET app_id = ? WHERE tenant_id = ? AND id = ?').run(
          appId,
          tenantId,
          id,
        );
        found.delete(accountKey(tenantId, id));
        defaults.delete(`${tenantId}\u0000${row.channel}`);
        return toAccount({ ...row, app_id: appId });
      });
    },
    async findByAppId(tenantId, channel, appId) {
      const row = prepare(
        'SELECT * FROM channel_accounts WHERE tenant_id = ? AND channel = ? AND app_id = ?',
      ).get(tenantId, channel, appId) as AccountRow | undefined;
      return row ? toAccount(row) : undefined;
    },
    setCredentials(tenantId, id, credentials) {
      return writer.run(() => {
        prepare('UPDATE channel_accounts SET credentials_enc = ? WHERE tenant_id = ? AND id = ?').run(
          box.seal(JSON.stringify(credentials)),
          tenantId,
          id,
        );
      });
    },
    async findForWebhook(id) {
      const row = prepare('SELECT * FROM channel_accounts WHERE id = ?').get(id) as AccountRow | undefined;
      return row ? toAccountWithSecrets(row, box) : undefined;
    },
    async defaultFor(tenantId, channel) {
      const key = `${tenantId}\u0000${channel}`;
      if (defaults.has(key)) return defaults.get(key);
      const row = prepare(
        'SELECT * FROM channel_accounts WHERE tenant_id = ? AND channel = ? ORDER BY created_at, id LIMIT 1',
      ).get(tenantId, channel) as AccountRow | undefined;
      const account = row ? toAccount(row) : undefined;
      defaults.set(key, account);
      return account;
    },
  };
}
