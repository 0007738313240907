import type { InboundRepository } from '../../core/ports/store.ts';
import { newId } from '../../lib/ids.ts';
import { type InboundRow, toInbound } from '../rows/inbound.ts';
import type { PgDatabase } from './database.ts';

export function createInboundRepository(db: PgDatabase): InboundRepository {
  return {
    insert(tenantId, events) {
      if (events.length === 0) return Promise.resolve([]);
      // Providers redeliver (LINE marks isRedelivery, WhatsApp retries for a day): the unique index
      // on (account, provider event id) turns a redelivery into a no-op, also within one batch.
      const ids = events.map(() => newId('inb'));
      return db.tenant(tenantId, async (tx) => {
        const added = await tx.query<{ id: string }>(
          `INSERT INTO inbound_events (id, tenant_id, channel_account_id, provider_event_id, kind, sender, event, received_at,
             reply_token)
           SELECT e.id, $1, e.channel_account_id, e.provider_event_id, e.kind, e.sender, e.event, e.received_at,
             e.reply_token
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
             WITH ORDINALITY AS e(id, channel_account_id, provider_event_id, kind, sender, event, received_at,
               reply_token, n)
           ORDER BY e.n
           ON CONFLICT DO NOTHING RETURNING id`,
          [
            tenantId,
            ids,
            events.map((e) => e.channelAccountId),
            events.map((e) => e.providerEventId ?? null),
            events.map((e) => e.kind),
            events.map((e) => e.from ?? null),
            events.map((e) => JSON.stringify(e.event)),
            events.map((e) => e.receivedAt),
            events.map((e) => e.replyToken ?? null),
          ],
        );
        const stored = new Set(added.map((r) => r.id));
        const redelivered = events.filter((_, i) => !stored.has(ids[i]!));
        if (redelivered.length === 0) return events.map((e) => e.receivedAt);
        const earlier = await tx.query<{ account: string; event: string; received_at: string }>(
          `SELECT channel_account_id AS account, provider_event_id AS event, received_at FROM inbound_events
           WHERE tenant_id = $1 AND (channel_account_id, provider_event_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
          [tenantId, redelivered.map((e) => e.channelAccountId), redelivered.map((e) => e.providerEventId)],
        );
        const firstAt = new Map(earlier.map((r) => [`${r.account}\n${r.event}`, r.received_at]));
        return events.map((e, i) =>
          stored.has(ids[i]!)
            ? e.receivedAt
            : (firstAt.get(`${e.channelAccountId}\n${e.providerEventId}`) ?? e.receivedAt),
        );
      });
    },
    claimNonce(tenantId, channelAccountId, nonce, expiresAt, now) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          'DELETE FROM inbound_nonces WHERE tenant_id = $1 AND channel_account_id = $2 AND expires_at <= $3',
          [tenantId, channelAccountId, now],
        );
        const added = await tx.query(
          `INSERT INTO inbound_nonces (tenant_id, channel_account_id, nonce, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING nonce`,
          [tenantId, channelAccountId, nonce, expiresAt],
        );
        return added.length > 0;
      });
    },
    releaseNonce(tenantId, channelAccountId, nonce) {
      return db.tenant(tenantId, async (tx) => {
        await tx.query(
          'DELETE FROM inbound_nonces WHERE tenant_id = $1 AND channel_account_id = $2 AND nonce = $3',
          [tenantId, channelAccountId, nonce],
        );
      });
    },
    replyTokenReceivedAt(tenantId, channelAccountId, token) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<{ received_at: string }>(
          'SELECT received_at FROM inbound_events WHERE channel_account_id = $1 AND reply_token = $2 AND tenant_id = $3',
          [channelAccountId, token, tenantId],
        );
        return row?.received_at;
      });
    },
    list(tenantId, filter) {
      const args: unknown[] = [tenantId];
      if (filter.channelAccountId) args.push(filter.channelAccountId);
      args.push(filter.limit);
      return db.tenant(tenantId, async (tx) => {
        const rows = await tx.query<InboundRow>(
          `SELECT * FROM inbound_events WHERE tenant_id = $1 ${filter.channelAccountId ? 'AND channel_account_id = $2' : ''}
           ORDER BY id DESC LIMIT $${args.length}`,
          args,
        );
        return rows.map(toInbound);
      });
    },
  };
}
