import type { MessageStatus } from '../../core/status.ts';
import { isForward } from '../../core/status.ts';
import { formatCallback } from '../../webhooks/callback-formats.ts';
import { buildStatusCallback, type StatusCallbackInput, statusEventId } from '../../webhooks/payload.ts';
import type {
  AcceptBatch,
  AcceptResult,
  IdempotencyRecord,
  MessageFilter,
  MessageRepository,
  StatusEvent,
  StoredMessage,
  Transition,
  TransitionResult,
} from '../types.ts';
import { type Db, statementCache } from './database.ts';
import type { GroupCommitter } from './group-commit.ts';
import type { Subscribers } from './webhooks.ts';

interface MessageRow {
  id: string;
  tenant_id: string;
  channel: string;
  channel_account_id: string;
  recipient: string;
  content: string;
  request: string;
  degradations: string | null;
  status: MessageStatus;
  status_reason: string | null;
  provider_message_id: string | null;
  attempts: number;
  seq: number;
  correlation_id: string | null;
  callback_url: string | null;
  callback_data: string | null;
  callback_format: string | null;
  expires_at: string | null;
  contact_id: string | null;
  forced: number;
  template: string | null;
  policy: string | null;
  created_at: string;
  updated_at: string;
}

type TransitionRow = Pick<
  MessageRow,
  | 'id'
  | 'tenant_id'
  | 'channel'
  | 'channel_account_id'
  | 'recipient'
  | 'status'
  | 'seq'
  | 'provider_message_id'
  | 'correlation_id'
  | 'callback_url'
  | 'callback_data'
  | 'callback_format'
>;

type DispatchRow = TransitionRow & Pick<MessageRow, 'request' | 'expires_at'>;

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function toMessage(r: MessageRow): StoredMessage {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    channel: r.channel,
    channelAccountId: r.channel_account_id,
    to: r.recipient,
    content: JSON.parse(r.content),
    request: JSON.parse(r.request),
    degradations: r.degradations ? JSON.parse(r.degradations) : [],
    status: r.status,
    statusReason: opt(r.status_reason),
    providerMessageId: opt(r.provider_message_id),
    attempts: r.attempts,
    correlationId: opt(r.correlation_id),
    callbackUrl: opt(r.callback_url),
    callbackData: opt(r.callback_data),
    expiresAt: opt(r.expires_at),
    contactId: opt(r.contact_id),
    ...(r.forced === 1 ? { forced: true } : {}),
    ...(r.template !== null ? { template: JSON.parse(r.template) } : {}),
    ...(r.policy !== null ? { policy: JSON.parse(r.policy) } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

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
): MessageRepository & { recordClicked: ClickRecorder } {
  const prepare = statementCache(db);
  const insertMessage = prepare(
    `INSERT INTO messages (id, tenant_id, channel, channel_account_id, recipient, content, request, degradations,
       status, seq, correlation_id, callback_url, callback_data, expires_at, created_at, updated_at, choices, contact_id,
       forced, template, policy, policy_group, callback_format)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEvent = prepare(
    'INSERT INTO message_events (message_id, seq, tenant_id, status, at, reason, code, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertJob = prepare(
    'INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at, attempts) VALUES (?, ?, ?, ?, 0)',
  );
  const insertCallback = prepare(
    `INSERT INTO callback_deliveries (id, tenant_id, message_id, url, payload, state, attempts, next_at, created_at,
       updated_at, endpoint_id, event_id)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  /**
   * Writes one event to the outbox: a delivery to the send's own callbackUrl, if any, and one to
   * each webhook subscription that wants it (`endpoints`, asked of `subscribers` by the caller,
   * once per batch). Same payload, same event id, except that a send made through a vendor façade
   * tells its own callbackUrl in that vendor's shape (`format`), or not at all for an event the
   * vendor does not notify.
   */
  const outbox = (
    tenantId: string,
    messageId: string,
    callbackUrl: string | null | undefined,
    event: { id: string; payload: string },
    endpoints: ReadonlyArray<{ id: string; url: string }>,
    at: string,
    format?: { name: string | null; input: StatusCallbackInput },
  ) => {
    const runAt = Date.parse(at);
    let ownPayload: string | undefined = event.payload;
    if (callbackUrl && format?.name) ownPayload = formatCallback(format.name, format.input, event.payload);
    const targets = [
      ...(callbackUrl && ownPayload !== undefined ? [{ id: undefined, url: callbackUrl }] : []),
      ...endpoints,
    ];
    for (const target of targets) {
      const deliveryId = target.id === undefined ? event.id : `${event.id}.${target.id}`;
      insertCallback.run(
        deliveryId,
        tenantId,
        messageId,
        target.url,
        target.id === undefined ? (ownPayload as string) : event.payload,
        runAt,
        at,
        at,
        target.id ?? null,
        event.id,
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
       correlation_id, callback_url, callback_data, callback_format`;
  const selectForDispatch = prepare(
    `SELECT ${TRANSITION_COLUMNS}, request, expires_at FROM messages WHERE tenant_id = ? AND id = ?`,
  );
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
    const row = selectIdem.get(tenantId, key) as
      | { key: string; fingerprint: string; status_code: number; response: string }
      | undefined;
    return row
      ? {
          key: row.key,
          fingerprint: row.fingerprint,
          statusCode: row.status_code,
          response: JSON.parse(row.response),
        }
      : undefined;
  };

  const queueCallback = (
    m: TransitionRow,
    status: MessageStatus,
    previous: MessageStatus,
    seq: number,
    t: Transition,
  ) => {
    const endpoints = subscribers(m.tenant_id, `message.${status}`);
    if (!m.callback_url && endpoints.length === 0) return;
    const input: StatusCallbackInput = {
      messageId: m.id,
      channel: m.channel,
      to: m.recipient,
      status,
      previousStatus: previous,
      sequence: seq,
      occurredAt: t.at,
      reason: t.reason,
      code: t.code,
      providerMessageId: t.providerMessageId ?? opt(m.provider_message_id),
      correlationId: opt(m.correlation_id),
      callbackData: opt(m.callback_data),
    };
    const event = buildStatusCallback(input);
    outbox(m.tenant_id, m.id, m.callback_url, event, endpoints, t.at, { name: m.callback_format, input });
  };

  /** Appends an event that keeps the status (a note); returns its sequence number. */
  const appendNote = (
    row: TransitionRow,
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
    const row = selectForTransition.get(tenantId, messageId) as TransitionRow | undefined;
    if (!row) return;
    const seq = appendNote(row, { at, reason: 'link clicked', code: 'clicked', detail });
    const endpoints = subscribers(tenantId, 'message.clicked');
    if (!row.callback_url && endpoints.length === 0) return;
    const eventId = statusEventId(row.id, seq);
    const payload = JSON.stringify({
      type: 'message.clicked',
      timestamp: at,
      data: {
        eventId,
        messageId: row.id,
        sequence: seq,
        occurredAt: at,
        channel: row.channel,
        to: row.recipient,
        ...detail,
        correlationId: opt(row.correlation_id),
        callbackData: opt(row.callback_data),
      },
    });
    outbox(tenantId, row.id, row.callback_url, { id: eventId, payload }, endpoints, at);
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
        const content = JSON.stringify(batch.content);
        const template = batch.template ? JSON.stringify(batch.template) : null;
        const { channel, channelAccountId, correlationId, callbackUrl, callbackData, expiresAt } = batch;
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
          );
          if (callbackUrl || queuedEndpoints.length > 0) {
            const input: StatusCallbackInput = {
              messageId: m.id,
              channel,
              to: m.to,
              status: 'queued',
              previousStatus: 'accepted',
              sequence: 2,
              occurredAt: acceptedAt,
              correlationId,
              callbackData,
            };
            const event = buildStatusCallback(input);
            outbox(tenantId, m.id, callbackUrl, event, queuedEndpoints, acceptedAt, {
              name: batch.callbackFormat ?? null,
              input,
            });
          }
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
      const accepted: StatusEvent[] = [
        { status: 'accepted', at: message.created_at },
        { status: 'queued', at: message.created_at },
      ];
      const rows = selectEvents.all(tenantId, id) as Array<{
        status: MessageStatus;
        at: string;
        reason: string | null;
        code: string | null;
        detail: string | null;
      }>;
      return [
        ...accepted,
        ...rows.map((r) => ({
          status: r.status,
          at: r.at,
          reason: opt(r.reason),
          code: opt(r.code),
          detail: r.detail ? JSON.parse(r.detail) : undefined,
        })),
      ];
    },

    async list(tenantId, f: MessageFilter) {
      const conditions: Array<[string, unknown]> = [
        ['status = ?', f.status],
        ['channel = ?', f.channel],
        ['correlation_id = ?', f.correlationId],
        ['created_at >= ?', f.since],
        ['created_at < ?', f.until],
        ['id < ?', f.beforeId],
      ];
      const where = ['tenant_id = ?'];
      const args: unknown[] = [tenantId];
      for (const [sql, value] of conditions) {
        if (value === undefined) continue;
        where.push(sql);
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
        const row = selectForTransition.get(tenantId, t.messageId) as TransitionRow | undefined;
        if (!row) return { applied: false };
        const seq = row.seq + 1;
        const attempt = typeof t.detail?.attempt === 'number' ? t.detail.attempt : 0;
        const detail = t.providerMessageId
          ? { ...t.detail, providerMessageId: t.providerMessageId }
          : t.detail;
        if (!isForward(row.status, t.status)) {
          return { applied: false, status: row.status };
        }
        insertEvent.run(
          row.id,
          seq,
          tenantId,
          t.status,
          t.at,
          t.reason ?? null,
          t.code ?? null,
          detail ? JSON.stringify(detail) : null,
        );
        updateStatus.run(t.status, t.reason ?? null, t.providerMessageId ?? null, attempt, seq, t.at, row.id);
        queueCallback(row, t.status, row.status, seq, t);
        return { applied: true, status: t.status };
      });
    },

    beginAttempts(at, items) {
      return writer.run(() =>
        items.map((item) => {
          const row = selectForDispatch.get(item.tenantId, item.messageId) as DispatchRow | undefined;
          if (!row) return undefined;
          const previousStatus = row.status;
          // An expired message is left as it is: the dispatcher ends it `expired`, never `sending`.
          const expired = row.expires_at !== null && Date.parse(row.expires_at) <= Date.parse(at);
          if (!expired && isForward(row.status, 'sending')) {
            const seq = row.seq + 1;
            const detail = JSON.stringify({ attempt: item.attempt });
            insertEvent.run(row.id, seq, item.tenantId, 'sending', at, null, null, detail);
            updateStatus.run('sending', null, null, item.attempt, seq, at, row.id);
            queueCallback(row, 'sending', previousStatus, seq, { messageId: row.id, status: 'sending', at });
          } else if (row.status === 'sending') {
            // A retry: the status stays, the attempt count moves on.
            updateAttempts.run(item.attempt, row.id);
          }
          const message = {
            id: row.id,
            to: row.recipient,
            request: JSON.parse(row.request),
            expiresAt: opt(row.expires_at),
          };
          return { message, previousStatus };
        }),
      );
    },

    note(tenantId, messageId, e) {
      return writer.run(() => {
        const row = selectForTransition.get(tenantId, messageId) as TransitionRow | undefined;
        if (row) appendNote(row, e);
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

    redrive(tenantId, messageIds, at) {
      return writer.run(() => {
        const requeued: string[] = [];
        for (const messageId of messageIds) {
          const row = selectForTransition.get(tenantId, messageId) as TransitionRow | undefined;
          if (row?.status !== 'failed') continue;
          const seq = row.seq + 1;
          const t: Transition = {
            messageId,
            status: 'queued',
            at,
            code: 'redriven',
            reason: 'dead letter redriven',
          };
          insertEvent.run(messageId, seq, tenantId, 'queued', at, t.reason, t.code, null);
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
