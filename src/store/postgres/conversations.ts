/**
 * Conversations: one open conversation per contact address and channel account (a partial unique
 * index, so two processes opening it at once end up with one), with an owner changed by assign /
 * release / close, each change an event. Which conversations an agent owns is read from the
 * database on each send: the embedded backend's in-memory copy would miss an assignment made
 * through another process.
 */

import type { Conversation, ConversationRepository } from '../../core/ports/store.ts';
import {
  type ConversationEventRow,
  type ConversationRow,
  toConversation,
  toConversationEvent,
} from '../rows/conversations.ts';
import type { PgDatabase, Tx } from './database.ts';

const insertEvent = (
  tx: Tx,
  r: Pick<ConversationRow, 'id' | 'tenant_id'>,
  seq: number,
  type: string,
  at: string,
  detail?: unknown,
) =>
  tx.query(
    'INSERT INTO conversation_events (conversation_id, seq, tenant_id, type, at, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [r.id, seq, r.tenant_id, type, at, detail ? JSON.stringify(detail) : null],
  );

export function createConversationRepository(db: PgDatabase): ConversationRepository {
  /** The open conversation's id, noting an inbound message on it; undefined when none is open. */
  const touchOpen = async (
    tx: Tx,
    tenantId: string,
    accountId: string,
    address: string,
    at: string,
    inbound: boolean,
  ): Promise<string | undefined> => {
    const [row] = inbound
      ? await tx.query<{ id: string }>(
          `UPDATE conversations SET last_inbound_at = $4
           WHERE tenant_id = $1 AND channel_account_id = $2 AND address = $3 AND state = 'open' RETURNING id`,
          [tenantId, accountId, address, at],
        )
      : await tx.query<{ id: string }>(
          `SELECT id FROM conversations WHERE tenant_id = $1 AND channel_account_id = $2 AND address = $3
             AND state = 'open'`,
          [tenantId, accountId, address],
        );
    return row?.id;
  };

  return {
    open(tenantId, c, newId, at, inbound) {
      return db.tenant(tenantId, async (tx) => {
        const existing = await touchOpen(tx, tenantId, c.channelAccountId, c.address, at, inbound);
        if (existing) return existing;
        const [created] = await tx.query<{ id: string }>(
          `INSERT INTO conversations (id, tenant_id, contact_id, channel, channel_account_id, address, state, owner,
             agent_id, last_inbound_at, seq, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'open', NULL, NULL, $7, 1, $8, $8)
           ON CONFLICT (tenant_id, channel_account_id, address) WHERE state = 'open' DO NOTHING RETURNING id`,
          [newId, tenantId, c.contactId, c.channel, c.channelAccountId, c.address, inbound ? at : null, at],
        );
        if (created) {
          await insertEvent(tx, { id: newId, tenant_id: tenantId }, 1, 'opened', at, {
            by: inbound ? 'inbound' : 'api',
          });
          return newId;
        }
        // Another process opened it between the two statements; the insert waited for its commit.
        const opened = await touchOpen(tx, tenantId, c.channelAccountId, c.address, at, inbound);
        if (!opened) throw new Error('The open conversation was closed while being opened; try again');
        return opened;
      });
    },
    get(tenantId, id) {
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<ConversationRow>(
          'SELECT * FROM conversations WHERE tenant_id = $1 AND id = $2',
          [tenantId, id],
        );
        if (!row) return undefined;
        const events = (
          await tx.query<ConversationEventRow>(
            'SELECT type, at, detail FROM conversation_events WHERE tenant_id = $1 AND conversation_id = $2 ORDER BY seq',
            [tenantId, id],
          )
        ).map(toConversationEvent);
        return { ...toConversation(row), events };
      });
    },
    list(tenantId, f) {
      const where = ['tenant_id = $1'];
      const args: unknown[] = [tenantId];
      for (const [condition, value] of [
        ['contact_id =', f.contactId],
        ['state =', f.state],
        ['owner =', f.owner],
        ['id <', f.beforeId],
      ] as const) {
        if (value === undefined) continue;
        args.push(value);
        where.push(`${condition} $${args.length}`);
      }
      args.push(f.limit);
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<ConversationRow>(
            `SELECT * FROM conversations WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${args.length}`,
            args,
          )
        ).map(toConversation),
      );
    },
    act(tenantId, id, action, at) {
      return db.tenant(tenantId, async (tx): Promise<{ conversation?: Conversation; refused?: string }> => {
        const [row] = await tx.query<ConversationRow>(
          'SELECT * FROM conversations WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
          [tenantId, id],
        );
        if (!row) return {};
        if (row.state === 'closed') return { refused: 'the conversation is closed' };
        const seq = row.seq + 1;
        const change =
          action.type === 'assign'
            ? {
                state: 'open',
                owner: action.owner,
                agentId: action.owner === 'agent' ? (action.agentId ?? null) : null,
                event: 'assigned',
                detail: { owner: action.owner, ...(action.agentId ? { agentId: action.agentId } : {}) },
              }
            : action.type === 'release'
              ? {
                  state: 'open',
                  owner: null,
                  agentId: null,
                  event: 'released',
                  detail: row.owner ? { from: row.owner } : undefined,
                }
              : { state: 'closed', owner: null, agentId: null, event: 'closed', detail: undefined };
        const [updated] = await tx.query<ConversationRow>(
          `UPDATE conversations SET state = $1, owner = $2, agent_id = $3, seq = $4, updated_at = $5
           WHERE tenant_id = $6 AND id = $7 RETURNING *`,
          [change.state, change.owner, change.agentId, seq, at, tenantId, id],
        );
        await insertEvent(tx, row, seq, change.event, at, change.detail);
        return { conversation: toConversation(updated!) };
      });
    },
    async lastInbound(tenantId, channelAccountId, addresses) {
      // One statement for the whole recipient list (up to 1000), not one per address.
      const rows = await db.statement<{ address: string; at: string }>(
        tenantId,
        `SELECT address, max(last_inbound_at) AS at FROM conversations
           WHERE tenant_id = $1 AND channel_account_id = $2 AND address = ANY($3::text[])
             AND last_inbound_at IS NOT NULL
           GROUP BY address`,
        [tenantId, channelAccountId, addresses],
        { prepare: true },
      );
      return new Map(rows.map((r) => [r.address, r.at]));
    },
    async ownedByAgent(tenantId, channelAccountId, addresses) {
      // Asked on every send: one statement, prepared, outside a transaction.
      const rows = await db.statement<ConversationRow>(
        tenantId,
        `SELECT * FROM conversations
           WHERE tenant_id = $1 AND channel_account_id = $2 AND address = ANY($3::text[])
             AND state = 'open' AND owner = 'agent'`,
        [tenantId, channelAccountId, addresses],
        { prepare: true },
      );
      return new Map(rows.map((r) => [r.address, toConversation(r)]));
    },
  };
}
