/**
 * Conversations: one open conversation per contact address and channel account, with an owner
 * (bot, agent or none) changed by assign / release / close, each change an event. Which
 * conversations an agent owns is asked on every send, so it is kept in memory per tenant, loaded
 * once and kept in step by every change made here (this process owns the file).
 */

import type { Conversation, ConversationRepository } from '../../core/ports/store.ts';
import {
  type ConversationEventRow,
  type ConversationRow,
  toConversation,
  toConversationEvent,
} from '../rows/conversations.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';

/** Whether an agent owns the open conversation of any of these addresses (synchronous, for accept). */
export type AgentOwnsAny = (
  tenantId: string,
  channelAccountId: string,
  addresses: readonly string[],
) => boolean;

const key = (accountId: string, address: string) => `${accountId}\u0000${address}`;

export function createConversationRepository(
  db: Db,
  writer: GroupCommitter,
): ConversationRepository & { agentOwnsAny: AgentOwnsAny } {
  const prepare = statementCache(db);
  const selectOpen = prepare(
    "SELECT * FROM conversations WHERE tenant_id = ? AND channel_account_id = ? AND address = ? AND state = 'open'",
  );
  const selectOne = prepare('SELECT * FROM conversations WHERE tenant_id = ? AND id = ?');
  const insertEvent = prepare(
    'INSERT INTO conversation_events (conversation_id, seq, tenant_id, type, at, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectLastInbound = prepare(
    `SELECT address, max(last_inbound_at) AS at FROM conversations
     WHERE tenant_id = ? AND channel_account_id = ? AND address IN (SELECT value FROM json_each(?))
       AND last_inbound_at IS NOT NULL
     GROUP BY address`,
  );
  /** Per tenant: the open conversations an agent owns, by account and address. */
  const agentOwned = new Map<string, Map<string, Conversation>>();

  const ownedMap = (tenantId: string): Map<string, Conversation> => {
    let map = agentOwned.get(tenantId);
    if (!map) {
      map = new Map();
      const rows = prepare(
        "SELECT * FROM conversations WHERE tenant_id = ? AND state = 'open' AND owner = 'agent'",
      ).all(tenantId) as ConversationRow[];
      for (const r of rows) map.set(key(r.channel_account_id, r.address), toConversation(r));
      agentOwned.set(tenantId, map);
    }
    return map;
  };
  const remember = (c: Conversation) => {
    const map = agentOwned.get(c.tenantId);
    if (!map) return; // not loaded yet: the first read will load it
    if (c.state === 'open' && c.owner === 'agent') map.set(key(c.channelAccountId, c.address), c);
    else map.delete(key(c.channelAccountId, c.address));
  };
  const event = (r: ConversationRow, type: string, at: string, detail?: Record<string, unknown>) => {
    const seq = r.seq + 1;
    insertEvent.run(r.id, seq, r.tenant_id, type, at, detail ? JSON.stringify(detail) : null);
    prepare('UPDATE conversations SET seq = ?, updated_at = ? WHERE id = ?').run(seq, at, r.id);
    return seq;
  };

  return {
    open(tenantId, c, newId, at, inbound) {
      return writer.run(() => {
        const existing = selectOpen.get(tenantId, c.channelAccountId, c.address) as
          | ConversationRow
          | undefined;
        if (existing) {
          if (inbound)
            prepare('UPDATE conversations SET last_inbound_at = ? WHERE id = ?').run(at, existing.id);
          return existing.id;
        }
        prepare(
          `INSERT INTO conversations (id, tenant_id, contact_id, channel, channel_account_id, address, state, owner,
             agent_id, last_inbound_at, seq, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'open', NULL, NULL, ?, 0, ?, ?)`,
        ).run(
          newId,
          tenantId,
          c.contactId,
          c.channel,
          c.channelAccountId,
          c.address,
          inbound ? at : null,
          at,
          at,
        );
        event(selectOne.get(tenantId, newId) as ConversationRow, 'opened', at, {
          by: inbound ? 'inbound' : 'api',
        });
        return newId;
      });
    },
    async get(tenantId, id) {
      const row = selectOne.get(tenantId, id) as ConversationRow | undefined;
      if (!row) return undefined;
      const events = (
        prepare(
          'SELECT type, at, detail FROM conversation_events WHERE conversation_id = ? ORDER BY seq',
        ).all(id) as ConversationEventRow[]
      ).map(toConversationEvent);
      return { ...toConversation(row), events };
    },
    async list(tenantId, f) {
      const where = ['tenant_id = ?'];
      const args: unknown[] = [tenantId];
      for (const [sql, value] of [
        ['contact_id = ?', f.contactId],
        ['state = ?', f.state],
        ['owner = ?', f.owner],
        ['id < ?', f.beforeId],
      ] as const) {
        if (value === undefined) continue;
        where.push(sql);
        args.push(value);
      }
      const rows = prepare(
        `SELECT * FROM conversations WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      ).all(...args, f.limit) as ConversationRow[];
      return rows.map(toConversation);
    },
    act(tenantId, id, action, at) {
      return writer.run(() => {
        const row = selectOne.get(tenantId, id) as ConversationRow | undefined;
        if (!row) return {};
        if (row.state === 'closed') return { refused: 'the conversation is closed' };
        if (action.type === 'assign') {
          prepare('UPDATE conversations SET owner = ?, agent_id = ? WHERE id = ?').run(
            action.owner,
            action.owner === 'agent' ? (action.agentId ?? null) : null,
            id,
          );
          event(row, 'assigned', at, {
            owner: action.owner,
            ...(action.agentId ? { agentId: action.agentId } : {}),
          });
        } else if (action.type === 'release') {
          prepare('UPDATE conversations SET owner = NULL, agent_id = NULL WHERE id = ?').run(id);
          event(row, 'released', at, row.owner ? { from: row.owner } : undefined);
        } else {
          prepare(
            "UPDATE conversations SET state = 'closed', owner = NULL, agent_id = NULL WHERE id = ?",
          ).run(id);
          event(row, 'closed', at);
        }
        const conversation = toConversation(selectOne.get(tenantId, id) as ConversationRow);
        remember(conversation);
        return { conversation };
      });
    },
    async lastInbound(tenantId, channelAccountId, addresses) {
      // One statement for the whole recipient list (up to 1000), not one per address.
      const rows = selectLastInbound.all(tenantId, channelAccountId, JSON.stringify(addresses)) as Array<{
        address: string;
        at: string;
      }>;
      return new Map(rows.map((r) => [r.address, r.at]));
    },
    agentOwnsAny(tenantId, channelAccountId, addresses) {
      const map = ownedMap(tenantId);
      return map.size > 0 && addresses.some((address) => map.has(key(channelAccountId, address)));
    },
    async ownedByAgent(tenantId, channelAccountId, addresses) {
      const owned = new Map<string, Conversation>();
      const map = ownedMap(tenantId);
      if (map.size === 0) return owned; // the common case: a send costs one lookup
      for (const address of addresses) {
        const c = map.get(key(channelAccountId, address));
        if (c) owned.set(address, c);
      }
      return owned;
    },
  };
}
