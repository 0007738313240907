import type { InboundRepository } from '../../core/ports/store.ts';
import { newId } from '../../lib/ids.ts';
import { type InboundRow, toInbound } from '../rows/inbound.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

export function createInboundRepository(db: Db, writer: GroupCommitter): InboundRepository {
  const prepare = statementCache(db);
  // Providers redeliver (LINE marks isRedelivery, WhatsApp retries for a day): the unique index on
  // (account, provider event id) turns a redelivery into a no-op.
  const insert = prepare(
    `INSERT INTO inbound_events (id, tenant_id, channel_account_id, provider_event_id, kind, sender, event, received_at,
       reply_token)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const firstStored = prepare(
    'SELECT received_at FROM inbound_events WHERE channel_account_id = ? AND provider_event_id = ? AND tenant_id = ?',
  );
  return {
    insert(tenantId, events) {
      return writer.run(() =>
        events.map((e) => {
          const added = insert.run(
            newId('inb'),
            tenantId,
            e.channelAccountId,
            e.providerEventId ?? null,
            e.kind,
            e.from ?? null,
            JSON.stringify(e.event),
            e.receivedAt,
            e.replyToken ?? null,
          ).changes;
          if (added === 1) return e.receivedAt;
          const first = firstStored.get(e.channelAccountId, e.providerEventId, tenantId) as
            | { received_at: string }
            | undefined;
          return first?.received_at ?? e.receivedAt;
        }),
      );
    },
    claimNonce(tenantId, channelAccountId, nonce, expiresAt, now) {
      return writer.run(() => {
        prepare(
          'DELETE FROM inbound_nonces WHERE tenant_id = ? AND channel_account_id = ? AND expires_at <= ?',
        ).run(tenantId, channelAccountId, now);
        return (
          prepare(
            `INSERT INTO inbound_nonces (tenant_id, channel_account_id, nonce, expires_at) VALUES (?, ?, ?, ?)
             ON CONFLICT DO NOTHING`,
          ).run(tenantId, channelAccountId, nonce, expiresAt).changes > 0
        );
      });
    },
    releaseNonce(tenantId, channelAccountId, nonce) {
      return writer.run(() => {
        prepare(
          'DELETE FROM inbound_nonces WHERE tenant_id = ? AND channel_account_id = ? AND nonce = ?',
        ).run(tenantId, channelAccountId, nonce);
      });
    },
    async replyTokenReceivedAt(tenantId, channelAccountId, token) {
      const row = prepare(
        'SELECT received_at FROM inbound_events WHERE channel_account_id = ? AND reply_token = ? AND tenant_id = ?',
      ).get(channelAccountId, token, tenantId) as { received_at: string } | undefined;
      return row?.received_at;
    },
    async list(tenantId, filter) {
      const rows = (
        filter.channelAccountId
          ? prepare(
              'SELECT * FROM inbound_events WHERE tenant_id = ? AND channel_account_id = ? ORDER BY id DESC LIMIT ?',
            ).all(tenantId, filter.channelAccountId, filter.limit)
          : prepare('SELECT * FROM inbound_events WHERE tenant_id = ? ORDER BY id DESC LIMIT ?').all(
              tenantId,
              filter.limit,
            )
      ) as InboundRow[];
      return rows.map(toInbound);
    },
  };
}
