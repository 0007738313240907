/**
 * Messages, their status events, dispatch jobs and idempotency records (accepting a batch is in
 * accept.ts). A status change locks its message row (FOR UPDATE), so concurrent workers and
 * receipts apply changes one at a time and event sequence numbers never clash.
 */

import type { CallbackPayloads } from '../../core/callbacks.ts';
import type {
  DispatchMessage,
  MessageFilter,
  MessageRepository,
  StatusEvent,
  Transition,
} from '../../core/ports/store.ts';
import type { MessageStatus } from '../../core/vocabulary/status.ts';
import { isForward, MAYBE_SENT } from '../../core/vocabulary/status.ts';
import { coalesced } from '../../lib/coalesce.ts';
import type { OutboxRow } from '../rows/callbacks.ts';
import {
  clickedCallbackRows,
  hasExpired,
  type MessageRow,
  messageFilterConditions,
  type StatusEventRow,
  statusCallbackRows,
  toDispatchMessage,
  toMessage,
  toStatusEvents,
} from '../rows/messages.ts';
import { wanting } from '../rows/webhooks.ts';
import { acceptAlone, acceptableAlone, acceptBatch, readIdempotency } from './accept.ts';

/** How long a tenant found with webhook subscriptions skips the one-statement accept. */
const SUBSCRIBED_RECHECK_MS = 60_000;

import { writeOutbox } from './callback-outbox.ts';
import type { PgDatabase, Tx } from './database.ts';
import {
  createChangeBatcher,
  type EventRow,
  insertEvents,
  inTenantGroups,
  lockForChange,
  type RowUpdate,
  TRANSITION_COLUMNS,
  type TransitionRow,
  updateMessages,
} from './transitions.ts';

type DispatchRow = TransitionRow & Pick<MessageRow, 'request' | 'expires_at' | 'maybe_sent_resends'>;

/** The outbox rows of a status change of `m`, for the subscriptions that want it. */
const callbackRows = (
  payloads: CallbackPayloads,
  m: TransitionRow,
  status: MessageStatus,
  previous: MessageStatus,
  seq: number,
  t: Pick<Transition, 'at' | 'reason' | 'code' | 'providerMessageId'>,
): OutboxRow[] =>
  statusCallbackRows(payloads, m, status, previous, seq, t, wanting(m.endpoints, `message.${status}`));

/** Appends an event that keeps the status (a note); returns its sequence number. */
async function appendNote(
  tx: Tx,
  row: TransitionRow,
  e: { at: string; reason?: string | undefined; code?: string | undefined; detail?: unknown },
): Promise<number> {
  const seq = row.seq + 1;
  await tx.query(
    `WITH event AS (
       INSERT INTO message_events (message_id, seq, tenant_id, status, at, reason, code, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8))
     UPDATE messages SET seq = $2 WHERE id = $1`,
    [
      row.id,
      seq,
      row.tenant_id,
      row.status,
      e.at,
      e.reason ?? null,
      e.code ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    ],
  );
  return seq;
}

/**
 * Records a click on one of a message's links, inside the click's transaction (already in the
 * message's tenant): an event on the message and its callbacks.
 */
export type ClickRecorder = (
  tx: Tx,
  tenantId: string,
  messageId: string,
  detail: Record<string, unknown>,
  at: string,
) => Promise<void>;

export function createMessageRepository(
  db: PgDatabase,
  payloads: CallbackPayloads,
): MessageRepository & { recordClicked: ClickRecorder } {
  const changes = createChangeBatcher(db, payloads);
  // Each message is begun alone, just before its request is written; a transaction each would
  // cost a worker hundreds of round trips a second, so the begins made meanwhile go together.
  const begin = coalesced((items: BeginItem[]) => beginAttemptsNow(db, payloads, items));
  const subscribedUntil = new Map<string, number>();
  const recordClicked: ClickRecorder = async (tx, tenantId, messageId, detail, at) => {
    const [row] = await lockForChange(tx, tenantId, [messageId]);
    if (!row) return;
    const seq = await appendNote(tx, row, { at, reason: 'link clicked', code: 'clicked', detail });
    await writeOutbox(
      tx,
      clickedCallbackRows(payloads, row, seq, detail, at, wanting(row.endpoints, 'message.clicked')),
    );
  };

  return {
    recordClicked,

    async accept(batch) {
      // The simplest sends go in one statement (accept.ts acceptAlone). A tenant found with
      // webhook subscriptions goes straight to the transaction for a while rather than trying
      // the one statement, which would write nothing, on every send.
      if (
        batch.recipients.length > 0 &&
        acceptableAlone(batch) &&
        (subscribedUntil.get(batch.tenantId) ?? 0) <= Date.now()
      ) {
        const alone = await acceptAlone(db, batch, payloads);
        if (alone !== 'subscribed') return { kind: alone };
        if (subscribedUntil.size > 10_000) subscribedUntil.clear();
        subscribedUntil.set(batch.tenantId, Date.now() + SUBSCRIBED_RECHECK_MS);
      }
      return db.tenant(batch.tenantId, (tx) => acceptBatch(tx, batch, payloads));
    },

    findIdempotency(tenantId, key) {
      return db.tenant(tenantId, (tx) => readIdempotency(tx, tenantId, key));
    },

    async get(tenantId, id) {
      const [row] = await db.statement<MessageRow>(
        tenantId,
        'SELECT * FROM messages WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
        { prepare: true },
      );
      return row ? toMessage(row) : undefined;
    },

    events(tenantId, id) {
      return db.tenant(tenantId, async (tx): Promise<StatusEvent[]> => {
        const [message] = await tx.query<{ created_at: string }>(
          'SELECT created_at FROM messages WHERE tenant_id = $1 AND id = $2',
          [tenantId, id],
        );
        if (!message) return [];
        const rows = await tx.query<StatusEventRow>(
          'SELECT status, at, reason, code, detail FROM message_events WHERE tenant_id = $1 AND message_id = $2 ORDER BY seq',
          [tenantId, id],
        );
        return toStatusEvents(message.created_at, rows);
      });
    },

    async list(tenantId, f: MessageFilter) {
      const where = ['tenant_id = $1'];
      const args: unknown[] = [tenantId];
      for (const [condition, value] of messageFilterConditions(f)) {
        args.push(value);
        where.push(`${condition} $${args.length}`);
      }
      args.push(f.limit);
      // Not prepared: with a filter on status, the best plan depends on how common the status is.
      return (
        await db.statement<MessageRow>(
          tenantId,
          `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${args.length}`,
          args,
        )
      ).map(toMessage);
    },

    transition(tenantId, t: Transition) {
      return changes.transition(tenantId, t);
    },

    async loadForDispatch(items) {
      if (items.length === 0) return [];
      const results: Array<{ message: DispatchMessage; status: MessageStatus } | undefined> = items.map(
        () => undefined,
      );
      await inTenantGroups(db, items, async (tx, tenantId, indexes) => {
        const rows = await tx.query<DispatchRow>(
          `SELECT m.id, m.recipient, m.status, m.request, m.expires_at, m.maybe_sent_resends FROM messages m
           WHERE m.tenant_id = $1 AND m.id = ANY($2::text[])`,
          [tenantId, indexes.map((i) => items[i]!.messageId)],
        );
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const i of indexes) {
          const row = byId.get(items[i]!.messageId);
          if (row) results[i] = { message: toDispatchMessage(row), status: row.status };
        }
      });
      return results;
    },

    beginAttempts(at, items) {
      return begin(items.map((item) => ({ ...item, at })));
    },

    note(tenantId, messageId, e, options) {
      return changes.note(tenantId, { messageId, ...e, maybeSentResend: options?.maybeSentResend });
    },

    async findIdByProviderMessageId(tenantId, channelAccountId, providerMessageId) {
      // Asked for every receipt.
      const [row] = await db.statement<{ id: string }>(
        tenantId,
        'SELECT id FROM messages WHERE tenant_id = $1 AND channel_account_id = $2 AND provider_message_id = $3',
        [tenantId, channelAccountId, providerMessageId],
        { prepare: true },
      );
      return row?.id;
    },

    findSentTo(tenantId, channelAccountId, recipient, sentBy) {
      // Messages to one recipient whose `sent` event is at or before a watermark. The status test
      // keeps the scan to messages a receipt can still move; a typing indicator is not something
      // one reads.
      return db.tenant(tenantId, async (tx) =>
        (
          await tx.query<{ id: string }>(
            `SELECT m.id FROM messages m
             WHERE m.channel_account_id = $1 AND m.recipient = $2 AND m.tenant_id = $3
               AND m.status IN ('sent', 'delivered')
               AND (m.content::json ->> 'type') <> 'sender_action'
               AND EXISTS (SELECT 1 FROM message_events e
                           WHERE e.message_id = m.id AND e.status = 'sent' AND e.at <= $4)
             ORDER BY m.id`,
            [channelAccountId, recipient, tenantId, sentBy],
          )
        ).map((r) => r.id),
      );
    },

    redrive(tenantId, messageIds, at, options) {
      if (messageIds.length === 0) return Promise.resolve([]);
      return db.tenant(tenantId, async (tx) => {
        const rows = new Map((await lockForChange(tx, tenantId, messageIds)).map((r) => [r.id, r]));
        // The code each failed message last failed with: `maybe_sent` keeps it out of a plain redrive.
        const failedCodes = new Map(
          (
            await tx.query<{ message_id: string; code: string | null }>(
              `SELECT DISTINCT ON (message_id) message_id, code FROM message_events
               WHERE tenant_id = $1 AND message_id = ANY($2::text[]) AND status = 'failed'
               ORDER BY message_id, seq DESC`,
              [tenantId, messageIds],
            )
          ).map((r) => [r.message_id, r.code]),
        );
        const requeued: TransitionRow[] = [];
        const events: EventRow[] = [];
        const outbox: OutboxRow[] = [];
        const t = { at, code: 'redriven', reason: 'dead letter redriven' };
        for (const messageId of messageIds) {
          const row = rows.get(messageId);
          if (row?.status !== 'failed') continue;
          const maybeSent = failedCodes.get(messageId) === MAYBE_SENT;
          if (maybeSent && !options?.includeMaybeSent) continue;
          const seq = row.seq + 1;
          events.push({
            messageId,
            seq,
            tenantId,
            status: 'queued',
            at,
            reason: t.reason,
            code: t.code,
            detail: maybeSent ? JSON.stringify({ maybeSent: true }) : null,
          });
          outbox.push(...callbackRows(payloads, row, 'queued', row.status, seq, t));
          row.status = 'queued';
          row.seq = seq;
          requeued.push(row);
        }
        if (requeued.length === 0) return [];
        await insertEvents(tx, events);
        await tx.query(
          `WITH requeued AS (
             UPDATE messages m SET status = 'queued', status_reason = NULL, seq = u.seq, updated_at = $1
             FROM unnest($2::text[], $3::int[]) AS u(id, seq) WHERE m.id = u.id
             RETURNING m.id, m.tenant_id, m.channel_account_id)
           INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at, attempts)
           SELECT id, tenant_id, channel_account_id, $4::timestamptz, 0 FROM requeued
           ON CONFLICT (message_id) DO NOTHING`,
          [at, requeued.map((r) => r.id), requeued.map((r) => r.seq), new Date(Date.parse(at)).toISOString()],
        );
        await writeOutbox(tx, outbox);
        return requeued.map((r) => r.id);
      });
    },

    latestChoices(tenantId, channelAccountId, recipient) {
      // Only the newest message counts: once something else was sent, a bare "2" no longer
      // obviously answers the older question.
      return db.tenant(tenantId, async (tx) => {
        const [row] = await tx.query<{ id: string; choices: string | null }>(
          `SELECT id, choices FROM messages WHERE channel_account_id = $1 AND recipient = $2 AND tenant_id = $3
           ORDER BY id DESC LIMIT 1`,
          [channelAccountId, recipient, tenantId],
        );
        return row?.choices ? { messageId: row.id, choices: JSON.parse(row.choices) } : undefined;
      });
    },
  };
}

type BeginItem = { tenantId: string; messageId: string; attempt: number; at: string };

async function beginAttemptsNow(
  db: PgDatabase,
  payloads: CallbackPayloads,
  items: ReadonlyArray<BeginItem>,
): Promise<Array<{ previousStatus: MessageStatus } | undefined>> {
  if (items.length === 0) return [];
  const results: Array<{ previousStatus: MessageStatus } | undefined> = items.map(() => undefined);
  // One transaction for all: every read and write still happens in the owning tenant's
  // row-level security context.
  await inTenantGroups(db, items, async (tx, tenantId, indexes) => {
    const rows = await tx.query<TransitionRow & Pick<MessageRow, 'expires_at'>>(
      `SELECT ${TRANSITION_COLUMNS}, m.expires_at FROM messages m
       WHERE m.tenant_id = $1 AND m.id = ANY($2::text[]) ORDER BY m.id FOR UPDATE OF m`,
      [tenantId, indexes.map((i) => items[i]!.messageId)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const events: EventRow[] = [];
    const outbox: OutboxRow[] = [];
    const updates = new Map<string, RowUpdate>();
    for (const i of indexes) {
      const item = items[i]!;
      const row = byId.get(item.messageId);
      if (!row) continue;
      const previousStatus = row.status;
      const pending = updates.get(row.id);
      const { at } = item;
      if (!hasExpired(row, at) && isForward(row.status, 'sending')) {
        const seq = row.seq + 1;
        events.push({
          messageId: row.id,
          seq,
          tenantId,
          status: 'sending',
          at,
          reason: null,
          code: null,
          detail: JSON.stringify({ attempt: item.attempt }),
        });
        outbox.push(...callbackRows(payloads, row, 'sending', previousStatus, seq, { at }));
        // Later items for the same message see it as the earlier ones left it.
        row.status = 'sending';
        row.seq = seq;
        updates.set(row.id, {
          status: 'sending',
          reason: null,
          providerMessageId: null,
          seq,
          attempt: Math.max(pending?.attempt ?? 0, item.attempt),
          updatedAt: at,
          resends: 0,
        });
      } else if (row.status === 'sending') {
        // A retry: the status stays, the attempt count moves on.
        updates.set(row.id, {
          status: pending?.status ?? null,
          reason: null,
          providerMessageId: null,
          seq: pending?.seq ?? null,
          attempt: Math.max(pending?.attempt ?? 0, item.attempt),
          updatedAt: pending?.updatedAt ?? null,
          resends: 0,
        });
      }
      results[i] = { previousStatus };
    }
    // From here until the attempt's outcome, a crash leaves the job `interrupted` at its next claim.
    await tx.query('UPDATE jobs SET written = true WHERE tenant_id = $1 AND message_id = ANY($2::text[])', [
      tenantId,
      [...byId.keys()],
    ]);
    await insertEvents(tx, events);
    await updateMessages(tx, updates);
    await writeOutbox(tx, outbox);
  });
  return results;
}
