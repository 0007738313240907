/**
 * Accepting a batch, inside its tenant's transaction: a handful of set-based statements whatever
 * the number of recipients (up to 1000). Messages and their jobs go in one INSERT from unnest'ed
 * arrays (the jobs table is the queue, so accepting and enqueuing are one commit); link codes,
 * forced sends' conversation events and the callback outbox follow, one statement each.
 */
import type { CallbackPayloads } from '../../core/callbacks.ts';
import type { AcceptBatch, AcceptResult, IdempotencyRecord } from '../../core/ports/store.ts';
import { callbackEventMask } from '../../core/vocabulary/callback-events.ts';
import { laneCode } from '../rows/fair-claim.ts';
import { type IdempotencyRow, queuedCallbackRows, toIdempotencyRecord } from '../rows/messages.ts';
import { wanting } from '../rows/webhooks.ts';
import {
  outboxInsertSql,
  outboxParams,
  type Subscriber,
  toSubscriber,
  writeOutbox,
} from './callback-outbox.ts';
import type { PgDatabase, Tx } from './database.ts';

export const readIdempotency = async (
  tx: Tx,
  tenantId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> => {
  const [row] = await tx.query<IdempotencyRow>(
    'SELECT key, fingerprint, status_code, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2',
    [tenantId, key],
  );
  return row ? toIdempotencyRecord(row) : undefined;
};

/** Stores the batch's idempotency record; the earlier one when the key was used already. */
const claimIdempotencyKey = async (tx: Tx, batch: AcceptBatch): Promise<IdempotencyRecord | undefined> => {
  const { tenantId, idempotency } = batch;
  if (!idempotency) return undefined;
  // A concurrent accept with the same key waits here for the first to commit (or roll back),
  // then sees its record: the key is taken once, however the requests race.
  const inserted = await tx.query(
    `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, status_code, response, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`,
    [
      tenantId,
      idempotency.key,
      idempotency.fingerprint,
      idempotency.statusCode,
      JSON.stringify(idempotency.response),
      batch.acceptedAt,
    ],
  );
  if (inserted.length > 0) return undefined;
  const existing = await readIdempotency(tx, tenantId, idempotency.key);
  if (!existing) throw new Error(`Idempotency key ${idempotency.key} conflicts but cannot be read`);
  return existing;
};

/**
 * Contacts the batch would take past its group's cap, counted inside the accept transaction.
 * Accepts for one contact and group take turns on a lock held until commit, so each counts
 * what the one before it wrote: two sends racing past the earlier check cannot both land.
 */
const overCap = async (tx: Tx, batch: AcceptBatch): Promise<string[]> => {
  const { capWindows, policyGroup, tenantId } = batch;
  if (!capWindows || capWindows.length === 0 || !policyGroup) return [];
  const adding = new Map<string, number>();
  for (const r of batch.recipients) {
    if (r.contactId) adding.set(r.contactId, (adding.get(r.contactId) ?? 0) + 1);
  }
  if (adding.size === 0) return [];
  const contacts = [...adding.keys()];
  // Always in the same order, so two batches sharing contacts cannot deadlock.
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext($1), hashtext(c.id))
     FROM unnest($2::text[]) WITH ORDINALITY AS c(id, n) ORDER BY c.n`,
    [`cap:${tenantId}:${policyGroup}`, [...contacts].sort()],
  );
  const counts = capWindows.map(
    (_, i) => `count(m.id) FILTER (WHERE m.created_at >= $${i + 5})::int AS n${i}`,
  );
  const rows = await tx.query<Record<string, number> & { contact_id: string }>(
    `SELECT c.id AS contact_id, ${counts.join(', ')}
     FROM unnest($1::text[]) AS c(id)
     LEFT JOIN messages m ON m.tenant_id = $2 AND m.contact_id = c.id AND m.policy_group = $3
       AND m.created_at >= $4 AND m.status <> 'rejected'
     GROUP BY c.id`,
    [
      contacts,
      tenantId,
      policyGroup,
      capWindows.map((w) => w.since).reduce((a, b) => (a < b ? a : b)),
      ...capWindows.map((w) => w.since),
    ],
  );
  const used = new Map(rows.map((r) => [r.contact_id, r]));
  return contacts.filter((contactId) =>
    capWindows.some((w, i) => (used.get(contactId)?.[`n${i}`] ?? 0) + adding.get(contactId)! > w.max),
  );
};

/**
 * The CTEs that insert a batch's messages and their jobs from `messageParams` ($1-$23); `where`
 * may make them conditional.
 */
const messagesAndJobsCtes = (where = '') => `r AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
         $8::text[], $9::timestamptz[])
         AS r(id, recipient, request, degradations, choices, contact_id, forced, policy, run_at)
       ${where}
     ), inserted AS (
       INSERT INTO messages (id, tenant_id, channel, channel_account_id, recipient, content, request, degradations,
         status, seq, correlation_id, callback_url, callback_data, callback_format, expires_at, created_at,
         updated_at, choices, contact_id, forced, template, policy, policy_group, callback_events, lane)
       SELECT r.id, $10, $11, $12, r.recipient, $13, r.request, r.degradations, 'queued', 2, $14, $15, $16, $17,
         $18, $19, $19, r.choices, r.contact_id, r.forced, $20, r.policy, $21, $22::integer, $23::smallint
       FROM r
     ), queued AS (
       INSERT INTO jobs (message_id, tenant_id, channel_account_id, run_at, attempts, lane)
       SELECT r.id, $10, $12, r.run_at, 0, $23::smallint FROM r
     )`;

const messageParams = (batch: AcceptBatch): unknown[] => {
  const runAt = Date.parse(batch.acceptedAt);
  const rs = batch.recipients;
  return [
    rs.map((m) => m.id),
    rs.map((m) => m.to),
    rs.map((m) => JSON.stringify(m.request)),
    rs.map((m) => (m.degradations.length > 0 ? JSON.stringify(m.degradations) : null)),
    rs.map((m) => (m.choices && m.choices.length > 0 ? JSON.stringify(m.choices) : null)),
    rs.map((m) => m.contactId ?? null),
    rs.map((m) => m.forcedInto !== undefined),
    rs.map((m) => (m.policy ? JSON.stringify(m.policy) : null)),
    rs.map((m) => new Date(m.notBefore ? Math.max(runAt, Date.parse(m.notBefore)) : runAt).toISOString()),
    batch.tenantId,
    batch.channel,
    batch.channelAccountId,
    JSON.stringify(batch.content),
    batch.correlationId ?? null,
    batch.callbackUrl ?? null,
    batch.callbackData ?? null,
    batch.callbackFormat ?? null,
    batch.expiresAt ?? null,
    batch.acceptedAt,
    batch.template ? JSON.stringify(batch.template) : null,
    batch.policyGroup ?? null,
    callbackEventMask(batch.callbackEvents),
    laneCode(batch),
  ];
};

/**
 * Inserts the messages and their jobs, and reads the tenant's enabled webhook subscriptions in the
 * same statement (one round trip less on every send).
 */
const insertMessagesAndJobs = async (tx: Tx, batch: AcceptBatch): Promise<Subscriber[]> => {
  const endpoints = await tx.query<{ id: string; url: string; events: string }>(
    `WITH ${messagesAndJobsCtes()}
     SELECT id, url, events FROM webhook_endpoints WHERE tenant_id = $10 AND state = 'enabled' ORDER BY id`,
    messageParams(batch),
    // The hottest statement there is, and its plan does not depend on its values.
    { prepare: true },
  );
  return endpoints.map(toSubscriber);
};

/**
 * Whether a batch can be accepted by one statement outside a transaction: nothing to do but
 * insert its messages, jobs and its own callbackUrl's outbox rows. An idempotency key, a cap to
 * re-check, short links or a forced send each need a statement of their own in the transaction.
 */
export const acceptableAlone = (batch: AcceptBatch): boolean =>
  !batch.idempotency &&
  !batch.capWindows?.length &&
  batch.recipients.every((m) => !m.smartlinks?.length && m.forcedInto === undefined);

/** Whether an agent owns the open conversation of one of the batch's recipients on its account. */
const AGENT_OWNS_ANY = (tenant: string, account: string, recipients: string) =>
  `EXISTS (SELECT 1 FROM conversations WHERE tenant_id = ${tenant} AND channel_account_id = ${account}
     AND address = ANY(${recipients}) AND state = 'open' AND owner = 'agent')`;

/**
 * Accepts such a batch in one round trip, provided the tenant has no enabled webhook subscription
 * (whose outbox rows would need reading the subscriptions first) and, when the batch asks, no agent
 * owns a recipient's conversation. Otherwise it writes nothing and says which stopped it. One
 * statement sees one snapshot, so this is exactly what the transaction would have done.
 */
export async function acceptAlone(
  db: PgDatabase,
  batch: AcceptBatch,
  payloads: CallbackPayloads,
): Promise<'accepted' | 'subscribed' | 'agent_owned'> {
  const ownRows = batch.recipients.flatMap((m) => queuedCallbackRows(payloads, batch, m, []));
  const [row] = await db.statement<{ subscribed: boolean; owned: boolean }>(
    batch.tenantId,
    `WITH checks AS (
       SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant_id = $10 AND state = 'enabled') AS subscribed,
         $34::boolean AND ${AGENT_OWNS_ANY('$10', '$12', '$2::text[]')} AS owned
     ), guard AS (SELECT NOT (subscribed OR owned) AS ok FROM checks),
     ${messagesAndJobsCtes('WHERE (SELECT ok FROM guard)')}, outbox AS (
       ${outboxInsertSql(24, 'WHERE (SELECT ok FROM guard)')}
     )
     SELECT subscribed, owned FROM checks`,
    [...messageParams(batch), ...outboxParams(ownRows), batch.refuseAgentOwned === true],
    { prepare: true },
  );
  return row?.owned ? 'agent_owned' : row?.subscribed ? 'subscribed' : 'accepted';
}

const insertLinkCodes = async (tx: Tx, batch: AcceptBatch): Promise<void> => {
  const codes = batch.recipients.flatMap((m) =>
    (m.smartlinks ?? []).map((l) => ({ ...l, messageId: m.id, recipient: m.to })),
  );
  if (codes.length === 0) return;
  await tx.query(
    `INSERT INTO link_codes (code, tenant_id, link_id, message_id, recipient, url, expires_at, created_at)
     SELECT c.code, $1, c.link_id, c.message_id, c.recipient, c.url, c.expires_at, $2
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS c(code, link_id, message_id, recipient, url, expires_at)`,
    [
      batch.tenantId,
      batch.acceptedAt,
      codes.map((c) => c.code),
      codes.map((c) => c.linkId),
      codes.map((c) => c.messageId),
      codes.map((c) => c.recipient),
      codes.map((c) => c.url),
      codes.map((c) => c.expiresAt),
    ],
  );
};

/**
 * A forced send is an event of the conversation it went into, written with the message. Several
 * recipients may go into one conversation: each gets its own sequence number, in batch order.
 */
const recordForcedSends = async (tx: Tx, batch: AcceptBatch): Promise<void> => {
  const forced = batch.recipients.filter((m) => m.forcedInto !== undefined);
  if (forced.length === 0) return;
  await tx.query(
    `WITH f AS (
       SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS f(conversation_id, detail, n)
     ), counted AS (
       SELECT conversation_id, count(*)::int AS n FROM f GROUP BY conversation_id
     ), bumped AS (
       UPDATE conversations c SET seq = c.seq + counted.n, updated_at = $3
       FROM counted WHERE c.id = counted.conversation_id
       RETURNING c.id, c.seq - counted.n AS base, c.tenant_id
     )
     INSERT INTO conversation_events (conversation_id, seq, tenant_id, type, at, detail)
     SELECT f.conversation_id, b.base + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.n),
       b.tenant_id, 'forced_send', $3, f.detail
     FROM f JOIN bumped b ON b.id = f.conversation_id`,
    [
      forced.map((m) => m.forcedInto),
      forced.map((m) => JSON.stringify({ messageId: m.id })),
      batch.acceptedAt,
    ],
  );
};

export async function acceptBatch(
  tx: Tx,
  batch: AcceptBatch,
  payloads: CallbackPayloads,
): Promise<AcceptResult> {
  const earlier = await claimIdempotencyKey(tx, batch);
  if (earlier) return { kind: 'replay', record: earlier };
  if (batch.refuseAgentOwned && batch.recipients.length > 0) {
    const [row] = await tx.query<{ owned: boolean }>(
      `SELECT ${AGENT_OWNS_ANY('$1', '$2', '$3::text[]')} AS owned`,
      [batch.tenantId, batch.channelAccountId, batch.recipients.map((m) => m.to)],
    );
    if (row?.owned) {
      tx.discard();
      return { kind: 'agent_owned' };
    }
  }
  const capped = await overCap(tx, batch);
  if (capped.length > 0) {
    // Nothing of a refused batch stays, not even its idempotency record.
    tx.discard();
    return { kind: 'capped', contactIds: capped };
  }
  if (batch.recipients.length === 0) return { kind: 'accepted' };
  // The first two events (accepted, queued: seq 1 and 2) happen at created_at by definition, so
  // `events` derives them instead of storing two rows per recipient.
  // The subscriptions are the same for every recipient: read once per batch, not once per message.
  const endpoints = wanting(await insertMessagesAndJobs(tx, batch), 'message.queued');
  await insertLinkCodes(tx, batch);
  await recordForcedSends(tx, batch);
  await writeOutbox(
    tx,
    batch.recipients.flatMap((m) => queuedCallbackRows(payloads, batch, m, endpoints)),
  );
  return { kind: 'accepted' };
}
