import type { CallbackPayloads } from '../../core/callbacks.ts';
import type {
  AcceptBatch,
  AcceptResult,
  IdempotencyRecord,
  MessageFilter,
  MessageRepository,
  StatusEvent,
  Transition,
  TransitionResult,
} from '../../core/ports/store.ts';
import { callbackEventMask } from '../../core/vocabulary/callback-events.ts';
import type { MessageStatus } from '../../core/vocabulary/status.ts';
import { isForward, MAYBE_SENT } from '../../core/vocabulary/status.ts';
import { coalesced } from '../../lib/coalesce.ts';
import type { OutboxRow } from '../rows/callbacks.ts';
import { laneCode } from '../rows/fair-claim.ts';
import {
  clickedCallbackRows,
  hasExpired,
  type IdempotencyRow,
  type MessageRow,
  messageFilterConditions,
  queuedCallbackRows,
  type StatusEventRow,
  statusCallbackRows,
  type TransitionColumns,
  toDispatchMessage,
  toIdempotencyRecord,
  toMessage,
  toStatusEvents,
  transitionEvent,
} from '../rows/messages.ts';
import type { AgentOwnsAny } from './conversations.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';
import type { Subscribers } from './webhooks.ts';

type BeginRow = TransitionColumns & Pick<MessageRow, 'expires_at'>;
type DispatchRow = TransitionColumns & Pick<MessageRow, 'request' | 'expires_at' | 'maybe_sent_resends'>;

/** Records a click on one of a message's links: an event on the message and its callbacks. */
export type ClickRecorder = (
  tenantId: string,
  messageId: string,
  detail: Record<string, unknown>,
  at: string,
) => void;

export function createMessageRepository(
  db: Db,
  writer: GroupCommitter,
  subscribers: Subscribers,
  agentOwnsAny: AgentOwnsAny,
  payloads: CallbackPayloads,
): MessageRepository & { recordClicked: ClickRecorder } {
  const prepare = statementCache(db);
  const insertMessage = prepare(
    `INSERT INTO messages (id, tenant_id, channel, channel_account_id, recipient, content, request, degradations,
       status, seq, correlation_id, callback_url, callback_data, expires_at, created_at, updated_at, choices, contact_id,
       forced, template, policy, policy_group, callback_format, callback_events, lane)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = prepare(
    'INSERT INTO message_events (message_id, seq, tenant_id, status, at, reason, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertJob = prepare(
    'INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at, attempts, lane) VALUES (?, ?, ?, ?, 0, ?)',
  );
  const insertCallback = prepare(
    `INSERT INTO callback_deliveries (id, tenant_id, message_id, url, payload, state, attempts, next_at, created_at,
       updated_at, endpoint_id, event_id, lane)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  /** Writes the outbox rows of one event (rows/messages.ts says which deliveries it makes). */
  const outbox = (rows: readonly OutboxRow[]) => {
    for (const r of rows) {
      insertCallback.run(
        r.id,
        r.tenantId,
        r.messageId,
        r.url,
        r.payload,
        Date.parse(r.at),
        r.at,
        r.at,
        r.endpointId,
        r.eventId,
        r.lane,
      );
    }
  };
  const selectIdem = prepare('SELECT * FROM idempotency_keys WHERE tenant_id = ? AND key = ?');
  const insertIdem = prepare(
    'INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectMessage = prepare('SELECT * FROM messages WHERE tenant_id = ? AND id = ?');
  // Status changes need only these columns; skipping content and request saves reading and
  // copying the two largest values on every transition.
  const TRANSITION_COLUMNS = `id, tenant_id, channel, channel_account_id, recipient, status, seq, provider_message_id,
       correlation_id, callback_url, callback_data, callback_format, callback_events, lane`;
  const selectForDispatch = prepare(
    `SELECT ${TRANSITION_COLUMNS}, request, expires_at, maybe_sent_resends FROM messages WHERE tenant_id = ? AND id = ?`,
  );
  // What an attempt's begin reads: not the request, which the dispatcher already has.
  const selectForBegin = prepare(
    `SELECT ${TRANSITION_COLUMNS}, expires_at FROM messages WHERE tenant_id = ? AND id = ?`,
  );
  // From here until the attempt's outcome, a crash leaves the job `interrupted` at its next claim.
  const flagWritten = prepare('UPDATE jobs SET written = 1 WHERE tenant_id = ? AND message_id = ?');
  const countResend = prepare('UPDATE messages SET maybe_sent_resends = maybe_sent_resends + 1 WHERE id = ?');
  const selectForTransition = prepare(
    `SELECT ${TRANSITION_COLUMNS} FROM messages WHERE tenant_id = ? AND id = ?`,
  );
  const deleteJob = prepare('DELETE FROM jobs WHERE tenant_id = ? AND message_id = ?');
  const updateAttempts = prepare('UPDATE messages SET attempts = MAX(attempts, ?) WHERE id = ?');
  const selectCreatedAt = prepare('SELECT created_at FROM messages WHERE tenant_id = ? AND id = ?');
  const selectEvents = prepare(
    'SELECT status, at, reason, code, detail FROM message_events WHERE tenant_id = ? AND message_id = ? ORDER BY seq',
  );
  const selectIdByProviderId = prepare(
    'SELECT id FROM messages WHERE tenant_id = ? AND channel_account_id = ? AND provider_message_id = ?',
  );
  const updateStatus = prepare(
    `UPDATE messages SET status = ?, status_reason = COALESCE(?, status_reason),
       provider_message_id = COALESCE(?, provider_message_id), attempts = MAX(attempts, ?), seq = ?, updated_at = ?
     WHERE id = ?`,
  );

  // Messages to one recipient whose `sent` event is at or before a watermark. The status test keeps
  // the scan to messages a receipt can still move; a typing indicator is not something one reads.
  const selectSentTo = prepare(
    `SELECT m.id FROM messages m
     WHERE m.channel_account_id = ? AND m.recipient = ? AND m.tenant_id = ? AND m.status IN ('sent', 'delivered')
       AND json_extract(m.content, '$.type') <> 'sender_action'
       AND EXISTS (SELECT 1 FROM message_events e
                   WHERE e.message_id = m.id AND e.status = 'sent' AND e.at <= ?)`,
  );
  const selectNewestTo = prepare(
    `SELECT id, choices FROM messages WHERE channel_account_id = ? AND recipient = ? AND tenant_id = ?
     ORDER BY id DESC LIMIT 1`,
  );

  const requeue = prepare(
    "UPDATE messages SET status = 'queued', status_reason = NULL, seq = ?, updated_at = ? WHERE id = ?",
  );
  /** The code the message last failed with: `maybe_sent` keeps it out of a plain redrive. */
  const selectFailedCode = prepare(
    `SELECT code FROM message_events WHERE tenant_id = ? AND message_id = ? AND status = 'failed'
     ORDER BY seq DESC LIMIT 1`,
  );
  const insertJobIfNone = prepare(
    `INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at, attempts) VALUES (?, ?, ?, ?, 0)
     ON CONFLICT (message_id) DO NOTHING`,
  );

  /** A forced send is an event of the conversation it went into, written with the message. */
  const bumpConversation = prepare(
    'UPDATE conversations SET seq = seq + 1, updated_at = ? WHERE id = ? RETURNING seq, tenant_id',
  );
  const insertConversationEvent = prepare(
    'INSERT INTO conversation_events (conversation_id, seq, tenant_id, type, at, detail) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const recordForcedSend = (conversationId: string, messageId: string, at: string) => {
    const row = bumpConversation.get(at, conversationId) as { seq: number; tenant_id: string } | undefined;
    if (!row) return;
    insertConversationEvent.run(
      conversationId,
      row.seq,
      row.tenant_id,
      'forced_send',
      at,
      JSON.stringify({ messageId }),
    );
  };

  const insertLinkCode = prepare(
    `INSERT INTO link_codes (code, tenant_id, link_id, message_id, recipient, url, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const bumpSeq = prepare('UPDATE messages SET seq = ? WHERE id = ?');

  const readIdem = (tenantId: string, key: string): IdempotencyRecord | undefined => {
    const row = selectIdem.get(tenantId, key) as IdempotencyRow | undefined;
    return row ? toIdempotencyRecord(row) : undefined;
  };

  const queueCallback = (
    m: TransitionColumns,
    status: MessageStatus,
    previous: MessageStatus,
    seq: number,
    t: Pick<Transition, 'at' | 'reason' | 'code' | 'providerMessageId'>,
  ) => {
    const endpoints = subscribers(m.tenant_id, `message.${status}`);
    outbox(statusCallbackRows(payloads, m, status, previous, seq, t, endpoints));
  };

  /** Appends an event that keeps the status (a note); returns its sequence number. */
  const appendNote = (
    row: TransitionColumns,
    e: { at: string; reason?: string | undefined; code?: string | undefined; detail?: unknown },
  ): number => {
    const seq = row.seq + 1;
    insertEvent.run(
      row.id,
      seq,
      row.tenant_id,
      row.status,
      e.at,
      e.reason ?? null,
      e.code ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    );
    bumpSeq.run(seq, row.id);
    return seq;
  };

  const recordClicked: ClickRecorder = (tenantId, messageId, detail, at) => {
    const row = selectForTransition.get(tenantId, messageId) as TransitionColumns | undefined;
    if (!row) return;
    const seq = appendNote(row, { at, reason: 'link clicked', code: 'clicked', detail });
    outbox(clickedCallbackRows(payloads, row, seq, detail, at, subscribers(tenantId, 'message.clicked')));
  };

  /** Contacts the batch would take past its group's cap, counted inside the write transaction. */
  const overCap = (batch: AcceptBatch): string[] => {
    const { capWindows, policyGroup } = batch;
    if (!capWindows || capWindows.length === 0 || !policyGroup) return [];
    const perContact = new Map<string, number>();
    for (const r of batch.recipients) {
      if (r.contactId) perContact.set(r.contactId, (perContact.get(r.contactId) ?? 0) + 1);
    }
    const sums = capWindows.map(() => 'sum(created_at >= ?)').join(', ');
    const earliest = capWindows.map((w) => w.since).reduce((a, b) => (a < b ? a : b));
    const count = prepare(
      `SELECT ${sums} FROM messages WHERE contact_id = ? AND policy_group = ? AND created_at >= ? AND tenant_id = ?
         AND status <> 'rejected'`,
    ).raw();
    const over: string[] = [];
    for (const [contactId, adding] of perContact) {
      const used = count.get(
        ...capWindows.map((w) => w.since),
        contactId,
        policyGroup,
        earliest,
        batch.tenantId,
      ) as Array<number | null>;
      if (capWindows.some((w, i) => (used[i] ?? 0) + adding > w.max)) over.push(contactId);
    }
    return over;
  };

  // The dispatcher begins each message alone; coalesced, the begins of a turn are one item of the
  // group commit rather than one each, so they cannot crowd accepts out of its bounded batches.
  const begin = coalesced(
    (items: Array<{ tenantId: string; messageId: string; attempt: number; at: string }>) =>
      writer.run(() =>
        items.map((item) => {
          const { at } = item;
          const row = selectForBegin.get(item.tenantId, item.messageId) as BeginRow | undefined;
          if (!row) return undefined;
          flagWritten.run(item.tenantId, item.messageId);
          const previousStatus = row.status;
          if (!hasExpired(row, at) && isForward(row.status, 'sending')) {
            const seq = row.seq + 1;
            const detail = JSON.stringify({ attempt: item.attempt });
            insertEvent.run(row.id, seq, item.tenantId, 'sending', at, null, null, detail);
            updateStatus.run('sending', null, null, item.attempt, seq, at, row.id);
            queueCallback(row, 'sending', previousStatus, seq, { at });
          } else if (row.status === 'sending') {
            updateAttempts.run(item.attempt, row.id);
          }
          return { previousStatus };
        }),
      ),
  );
  return {
    recordClicked,
    accept(batch: AcceptBatch): Promise<AcceptResult> {
      return writer.run((): AcceptResult => {
        const { tenantId, acceptedAt, idempotency } = batch;
        if (idempotency) {
          const existing = readIdem(tenantId, idempotency.key);
          if (existing) return { kind: 'replay', record: existing };
        }
        // Before anything is written: a refused batch leaves no idempotency record behind.
        if (
          batch.refuseAgentOwned &&
          agentOwnsAny(
            tenantId,
            batch.channelAccountId,
            batch.recipients.map((m) => m.to),
          )
        ) {
          return { kind: 'agent_owned' };
        }
        const capped = overCap(batch);
        if (capped.length > 0) return { kind: 'capped', contactIds: capped };
        if (idempotency) {
          insertIdem.run(
            tenantId,
            idempotency.key,
            idempotency.fingerprint,
            idempotency.statusCode,
            JSON.stringify(idempotency.response),
            acceptedAt,
          );
        }
        const runAt = Date.parse(acceptedAt);
        const lane = laneCode(batch);
        const content = JSON.stringify(batch.content);
        const template = batch.template ? JSON.stringify(batch.template) : null;
        const { channel, channelAccountId, correlationId, callbackUrl, callbackData, expiresAt } = batch;
        const callbackEvents = callbackEventMask(batch.callbackEvents);
        // The same for every recipient: asked once per batch, not once per message.
        const queuedEndpoints = subscribers(tenantId, 'message.queued');
        for (const m of batch.recipients) {
          insertMessage.run(
            m.id,
            tenantId,
            channel,
            channelAccountId,
            m.to,
            content,
            JSON.stringify(m.request),
            m.degradations.length > 0 ? JSON.stringify(m.degradations) : null,
            correlationId ?? null,
            callbackUrl ?? null,
            callbackData ?? null,
            expiresAt ?? null,
            acceptedAt,
            acceptedAt,
            m.choices && m.choices.length > 0 ? JSON.stringify(m.choices) : null,
            m.contactId ?? null,
            m.forcedInto ? 1 : 0,
            template,
            m.policy ? JSON.stringify(m.policy) : null,
            batch.policyGroup ?? null,
            batch.callbackFormat ?? null,
            callbackEvents,
            lane,
          );
          if (m.forcedInto) recordForcedSend(m.forcedInto, m.id, acceptedAt);
          for (const l of m.smartlinks ?? []) {
            insertLinkCode.run(l.code, tenantId, l.linkId, m.id, m.to, l.url, l.expiresAt, acceptedAt);
          }
          // The first two events (accepted, queued: seq 1 and 2) happen at created_at by
          // definition, so `events` derives them instead of storing two rows per recipient.
          insertJob.run(
            m.id,
            tenantId,
            channelAccountId,
            m.notBefore ? Math.max(runAt, Date.parse(m.notBefore)) : runAt,
            lane,
          );
          outbox(queuedCallbackRows(payloads, batch, m, queuedEndpoints));
        }
        return { kind: 'accepted' };
      });
    },

    async findIdempotency(tenantId, key) {
      return readIdem(tenantId, key);
    },

    async get(tenantId, id) {
      const row = selectMessage.get(tenantId, id) as MessageRow | undefined;
      return row ? toMessage(row) : undefined;
    },

    async events(tenantId, id): Promise<StatusEvent[]> {
      const message = selectCreatedAt.get(tenantId, id) as { created_at: string } | undefined;
      if (!message) return [];
      return toStatusEvents(message.created_at, selectEvents.all(tenantId, id) as StatusEventRow[]);
    },

    async list(tenantId, f: MessageFilter) {
      const where = ['tenant_id = ?'];
      const args: unknown[] = [tenantId];
      for (const [condition, value] of messageFilterConditions(f)) {
        where.push(`${condition} ?`);
        args.push(value);
      }
      args.push(f.limit);
      const rows = prepare(
        `SELECT * FROM messages WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
      ).all(...args) as MessageRow[];
      return rows.map(toMessage);
    },

    transition(tenantId, t: Transition): Promise<TransitionResult> {
      return writer.run((): TransitionResult => {
        if (t.finishJob) deleteJob.run(tenantId, t.messageId);
        const row = selectForTransition.get(tenantId, t.messageId) as TransitionColumns | undefined;
        if (!row) return { applied: false };
        const seq = row.seq + 1;
        const { attempt, detail } = transitionEvent(t);
        if (!isForward(row.status, t.status)) {
          return { applied: false, status: row.status };
        }
        insertEvent.run(row.id, seq, tenantId, t.status, t.at, t.reason ?? null, t.code ?? null, detail);
        updateStatus.run(t.status, t.reason ?? null, t.providerMessageId ?? null, attempt, seq, t.at, row.id);
        queueCallback(row, t.status, row.status, seq, t);
        return { applied: true, status: t.status };
      });
    },

    async loadForDispatch(items) {
      return items.map((item) => {
        const row = selectForDispatch.get(item.tenantId, item.messageId) as DispatchRow | undefined;
        return row ? { message: toDispatchMessage(row), status: row.status } : undefined;
      });
    },

    beginAttempts(at, items) {
      return begin(items.map((item) => ({ ...item, at })));
    },

    note(tenantId, messageId, e, options) {
      return writer.run(() => {
        const row = selectForTransition.get(tenantId, messageId) as TransitionColumns | undefined;
        if (!row) return;
        appendNote(row, e);
        if (options?.maybeSentResend) countResend.run(row.id);
      });
    },

    async findIdByProviderMessageId(tenantId, channelAccountId, providerMessageId) {
      const row = selectIdByProviderId.get(tenantId, channelAccountId, providerMessageId) as
        | { id: string }
        | undefined;
      return row?.id;
    },

    async findSentTo(tenantId, channelAccountId, recipient, sentBy) {
      const rows = selectSentTo.all(channelAccountId, recipient, tenantId, sentBy) as Array<{ id: string }>;
      return rows.map((r) => r.id);
    },

    redrive(tenantId, messageIds, at, options) {
      return writer.run(() => {
        const requeued: string[] = [];
        for (const messageId of messageIds) {
          const row = selectForTransition.get(tenantId, messageId) as TransitionColumns | undefined;
          if (row?.status !== 'failed') continue;
          const failed = selectFailedCode.get(tenantId, messageId) as { code: string | null } | undefined;
          const maybeSent = failed?.code === MAYBE_SENT;
          if (maybeSent && !options?.includeMaybeSent) continue;
          const seq = row.seq + 1;
          const t: Transition = {
            messageId,
            status: 'queued',
            at,
            code: 'redriven',
            reason: 'dead letter redriven',
          };
          const detail = maybeSent ? JSON.stringify({ maybeSent: true }) : null;
          insertEvent.run(messageId, seq, tenantId, 'queued', at, t.reason, t.code, detail);
          requeue.run(seq, at, messageId);
          insertJobIfNone.run(messageId, tenantId, row.channel_account_id, Date.parse(at));
          queueCallback(row, 'queued', row.status, seq, t);
          requeued.push(messageId);
        }
        return requeued;
      });
    },

    async latestChoices(tenantId, channelAccountId, recipient) {
      // Only the newest message counts: once something else was sent, a bare "2" no longer
      // obviously answers the older question.
      const row = selectNewestTo.get(channelAccountId, recipient, tenantId) as
        | { id: string; choices: string | null }
        | undefined;
      return row?.choices ? { messageId: row.id, choices: JSON.parse(row.choices) } : undefined;
    },
  };
}
