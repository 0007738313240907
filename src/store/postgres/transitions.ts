/**
 * Status changes and notes, applied in batches. A worker finishes hundreds of messages a second,
 * and a transaction per message spent most of the process's time (and PostgreSQL's) on round
 * trips: BEGIN, job delete, row lock, event, update, outbox, COMMIT, for each one. Changes asked for
 * while a batch is being written wait for the next one, so under load each transaction carries
 * many changes and at rest a change waits for nobody (the embedded backend's GroupCommitter does
 * the same for SQLite).
 *
 * A batch is one transaction of a few set-based statements per tenant, whatever its size. Its rows
 * are locked tenant by tenant and id by id, the order every multi-row lock in this backend uses,
 * so batches in different processes never wait for each other in a cycle. If the database refuses
 * a batch (for a reason other than asking for a retry), each change is tried again on its own, in
 * the order asked, so one bad change fails alone; if the connection is lost with the COMMIT
 * unanswered, the whole batch fails.
 */
import type { CallbackPayloads } from '../../core/callbacks.ts';
import type { Transition, TransitionResult } from '../../core/ports/store.ts';
import type { MessageStatus } from '../../core/vocabulary/status.ts';
import { isForward } from '../../core/vocabulary/status.ts';
import type { OutboxRow } from '../rows/callbacks.ts';
import { statusCallbackRows, type TransitionColumns, transitionEvent } from '../rows/messages.ts';
import { wanting } from '../rows/webhooks.ts';
import { SUBSCRIBERS, type Subscriber, writeOutbox } from './callback-outbox.ts';
import { isConnectionError, type PgDatabase, type Tx } from './database.ts';

/** What a status change reads of a message, with the subscriptions that may want to hear of it. */
export interface TransitionRow extends TransitionColumns {
  endpoints: Subscriber[];
}

export const TRANSITION_COLUMNS = `m.id, m.tenant_id, m.channel, m.channel_account_id, m.recipient, m.status, m.seq,
  m.provider_message_id, m.correlation_id, m.callback_url, m.callback_data, m.callback_format, m.callback_events,
  m.lane, ${SUBSCRIBERS}`;

/** An event that keeps the message's status: a retry scheduled, a click, a provider's remark. */
export interface Note {
  messageId: string;
  at: string;
  reason?: string | undefined;
  code?: string | undefined;
  detail?: unknown;
  /** A resend after an unknown outcome: the message's count goes up by one. */
  maybeSentResend?: boolean | undefined;
}

type Change = { kind: 'transition'; t: Transition } | { kind: 'note'; n: Note };

interface Pending {
  tenantId: string;
  change: Change;
  resolve(result: TransitionResult): void;
  reject(error: unknown): void;
}

/** A status event to insert; `detail` is already JSON. */
export interface EventRow {
  messageId: string;
  seq: number;
  tenantId: string;
  status: MessageStatus;
  at: string;
  reason: string | null;
  code: string | null;
  detail: string | null;
}

export async function insertEvents(tx: Tx, events: readonly EventRow[]): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `INSERT INTO message_events (message_id, seq, tenant_id, status, at, reason, code, detail)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      events.map((e) => e.messageId),
      events.map((e) => e.seq),
      events.map((e) => e.tenantId),
      events.map((e) => e.status),
      events.map((e) => e.at),
      events.map((e) => e.reason),
      events.map((e) => e.code),
      events.map((e) => e.detail),
    ],
  );
}

/** Locks and reads messages of the current tenant for a change; missing ids are simply absent. */
export async function lockForChange(
  tx: Tx,
  tenantId: string,
  ids: readonly string[],
): Promise<TransitionRow[]> {
  return tx.query<TransitionRow>(
    `SELECT ${TRANSITION_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.id = ANY($2::text[])
     ORDER BY m.id FOR UPDATE OF m`,
    [tenantId, ids],
  );
}

/** What one message's row becomes after a batch's changes to it; null keeps the column. */
export interface RowUpdate {
  status: MessageStatus | null;
  reason: string | null;
  providerMessageId: string | null;
  attempt: number;
  seq: number | null;
  updatedAt: string | null;
  /** Added to the message's maybe-sent resend count. */
  resends: number;
}

/** Writes each message's accumulated changes in one statement. */
export async function updateMessages(tx: Tx, updates: ReadonlyMap<string, RowUpdate>): Promise<void> {
  if (updates.size === 0) return;
  const changed = [...updates];
  await tx.query(
    `UPDATE messages m SET status = COALESCE(u.status, m.status), status_reason = COALESCE(u.reason, m.status_reason),
       provider_message_id = COALESCE(u.provider_message_id, m.provider_message_id),
       attempts = GREATEST(m.attempts, u.attempt), seq = COALESCE(u.seq, m.seq),
       updated_at = COALESCE(u.updated_at, m.updated_at), maybe_sent_resends = m.maybe_sent_resends + u.resends
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::int[])
       AS u(id, status, reason, provider_message_id, attempt, seq, updated_at, resends)
     WHERE m.id = u.id`,
    [
      changed.map(([id]) => id),
      changed.map(([, u]) => u.status),
      changed.map(([, u]) => u.reason),
      changed.map(([, u]) => u.providerMessageId),
      changed.map(([, u]) => u.attempt),
      changed.map(([, u]) => u.seq),
      changed.map(([, u]) => u.updatedAt),
      changed.map(([, u]) => u.resends),
    ],
  );
}

/**
 * Indexes of `items` grouped by tenant, tenants in order: rows are locked tenant by tenant and id
 * by id, always in that order, so two processes' batches never wait for each other in a cycle.
 */
export function byTenantInOrder<T extends { tenantId: string }>(
  items: readonly T[],
): Array<[string, number[]]> {
  const byTenant = new Map<string, number[]>();
  items.forEach((item, i) => {
    const indexes = byTenant.get(item.tenantId);
    if (indexes) indexes.push(i);
    else byTenant.set(item.tenantId, [i]);
  });
  return [...byTenant].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * One transaction over the items of several tenants: `each` runs once per tenant, tenants in
 * order, under that tenant's row-level security, with the indexes of its items.
 */
export async function inTenantGroups<T extends { tenantId: string }>(
  db: PgDatabase,
  items: readonly T[],
  each: (tx: Tx, tenantId: string, indexes: number[]) => Promise<void>,
): Promise<void> {
  const groups = byTenantInOrder(items);
  if (groups.length === 0) return;
  await db.tenant(groups[0]![0], async (tx) => {
    for (const [tenantId, indexes] of groups) {
      await tx.asTenant(tenantId);
      await each(tx, tenantId, indexes);
    }
  });
}

/** Applies one tenant's changes, in the order asked, inside the batch's transaction. */
async function applyTenant(
  tx: Tx,
  payloads: CallbackPayloads,
  tenantId: string,
  items: readonly Pending[],
): Promise<TransitionResult[]> {
  const ids = [...new Set(items.map((p) => messageIdOf(p.change)))];
  const finished = items.flatMap((p) =>
    p.change.kind === 'transition' && p.change.t.finishJob ? [p.change.t.messageId] : [],
  );
  // The job goes with the attempt's outcome even when the change itself is not forward (a
  // receipt got there first): the attempt is over either way.
  const rows = await tx.query<TransitionRow>(
    `WITH finished AS (DELETE FROM jobs WHERE tenant_id = $1 AND message_id = ANY($3::text[]))
     SELECT ${TRANSITION_COLUMNS} FROM messages m WHERE m.tenant_id = $1 AND m.id = ANY($2::text[])
     ORDER BY m.id FOR UPDATE OF m`,
    [tenantId, ids, finished],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const events: EventRow[] = [];
  const outbox: OutboxRow[] = [];
  const updates = new Map<string, RowUpdate>();
  const results = items.map(({ change }): TransitionResult => {
    const row = byId.get(messageIdOf(change));
    if (!row) return { applied: false };
    const update: RowUpdate = updates.get(row.id) ?? {
      status: null,
      reason: null,
      providerMessageId: null,
      attempt: 0,
      seq: row.seq,
      updatedAt: null,
      resends: 0,
    };
    const append = (status: MessageStatus, e: Note | Transition, detail: string | null) => {
      row.seq += 1;
      events.push({
        messageId: row.id,
        seq: row.seq,
        tenantId,
        status,
        at: e.at,
        reason: e.reason ?? null,
        code: e.code ?? null,
        detail,
      });
    };
    if (change.kind === 'note') {
      const { n } = change;
      append(row.status, n, n.detail ? JSON.stringify(n.detail) : null);
      updates.set(row.id, { ...update, seq: row.seq, resends: update.resends + (n.maybeSentResend ? 1 : 0) });
      return { applied: true, status: row.status };
    }
    const { t } = change;
    if (!isForward(row.status, t.status)) return { applied: false, status: row.status };
    const previous = row.status;
    const { attempt, detail } = transitionEvent(t);
    append(t.status, t, detail);
    outbox.push(
      ...statusCallbackRows(
        payloads,
        row,
        t.status,
        previous,
        row.seq,
        t,
        wanting(row.endpoints, `message.${t.status}`),
      ),
    );
    // Later changes in the batch see the message as this one left it.
    row.status = t.status;
    row.provider_message_id = t.providerMessageId ?? row.provider_message_id;
    updates.set(row.id, {
      status: t.status,
      reason: t.reason ?? update.reason,
      providerMessageId: t.providerMessageId ?? update.providerMessageId,
      attempt: Math.max(update.attempt, attempt),
      seq: row.seq,
      updatedAt: t.at,
      resends: update.resends,
    });
    return { applied: true, status: t.status };
  });
  await insertEvents(tx, events);
  await updateMessages(tx, updates);
  await writeOutbox(tx, outbox);
  return results;
}

const messageIdOf = (c: Change) => (c.kind === 'transition' ? c.t.messageId : c.n.messageId);

/** One transaction for the whole batch, switching tenant per group of its changes. */
async function applyBatch(
  db: PgDatabase,
  payloads: CallbackPayloads,
  batch: readonly Pending[],
): Promise<TransitionResult[]> {
  const results: TransitionResult[] = new Array(batch.length);
  await inTenantGroups(db, batch, async (tx, tenantId, indexes) => {
    const applied = await applyTenant(
      tx,
      payloads,
      tenantId,
      indexes.map((i) => batch[i]!),
    );
    indexes.forEach((i, k) => {
      results[i] = applied[k]!;
    });
  });
  return results;
}

/** The largest batch one transaction carries; the rest wait for the next. */
const MAX_BATCH = 500;

export interface ChangeBatcher {
  transition(tenantId: string, t: Transition): Promise<TransitionResult>;
  note(tenantId: string, n: Note): Promise<void>;
}

export function createChangeBatcher(db: PgDatabase, payloads: CallbackPayloads): ChangeBatcher {
  let pending: Pending[] = [];
  let writing = false;

  const write = async () => {
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      try {
        const results = await applyBatch(db, payloads, batch);
        batch.forEach((p, i) => {
          p.resolve(results[i]!);
        });
      } catch (error) {
        // A lost connection fails the whole batch: with its COMMIT unanswered the outcome is
        // unknown, and applying its notes again could write them twice; and with the database
        // out of reach, each change alone would wait out the same failure in turn. Otherwise the
        // batch was rolled back, perhaps for one bad change: they run again one by one, in the
        // order asked (delivered before read, notes in sequence), each alone.
        if (batch.length === 1 || isConnectionError(error)) {
          for (const p of batch) p.reject(error);
          continue;
        }
        for (const p of batch) {
          await applyBatch(db, payloads, [p]).then(
            ([result]) => p.resolve(result!),
            (e: unknown) => p.reject(e),
          );
        }
      }
    }
    writing = false;
  };

  const add = (tenantId: string, change: Change) =>
    new Promise<TransitionResult>((resolve, reject) => {
      pending.push({ tenantId, change, resolve, reject });
      if (writing) return;
      writing = true;
      // Changes asked for in the same turn of the event loop share the first transaction.
      setImmediate(() => void write());
    });

  return {
    transition: (tenantId, t) => add(tenantId, { kind: 'transition', t }),
    note: async (tenantId, n) => {
      await add(tenantId, { kind: 'note', n });
    },
  };
}
