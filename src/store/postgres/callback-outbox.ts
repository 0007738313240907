/**
 * Writing the callback outbox rows a status event produces (rows/callbacks.ts), in the transaction
 * of the change they report. Which webhook subscriptions want an event is read inside that
 * transaction (the SUBSCRIBERS column below), not from a cache: another process may have created
 * or disabled an endpoint a moment ago, and the embedded backend's in-memory answer would be stale
 * here.
 */
import type { OutboxRow } from '../rows/callbacks.ts';
import type { Tx } from './database.ts';

export interface Subscriber {
  id: string;
  url: string;
  events: string[];
}

/**
 * The tenant's enabled endpoints as a JSON array, for a query over `messages m`; the driver parses
 * it. Costs no extra round trip on the status-change path.
 */
export const SUBSCRIBERS = `(SELECT coalesce(json_agg(json_build_object('id', e.id, 'url', e.url, 'events', e.events::json)
      ORDER BY e.id), '[]'::json)
    FROM webhook_endpoints e WHERE e.tenant_id = m.tenant_id AND e.state = 'enabled') AS endpoints`;

/** A webhook_endpoints row as a Subscriber. */
export const toSubscriber = (r: { id: string; url: string; events: string }): Subscriber => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events),
});

/**
 * The INSERT of outbox rows given as the ten arrays of `outboxParams`, numbered from `$first`;
 * `where` may make it conditional (when it is part of a larger statement).
 */
export const outboxInsertSql = (first: number, where = '') => {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO callback_deliveries (id, tenant_id, message_id, url, payload, state, attempts, next_at, created_at,
       updated_at, endpoint_id, event_id, lane)
     SELECT o.id, o.tenant_id, o.message_id, o.url, o.payload, 'pending', 0, o.next_at, o.at, o.at,
       o.endpoint_id, o.event_id, o.lane
     FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::text[], ${p(5)}::text[],
       ${p(6)}::timestamptz[], ${p(7)}::text[], ${p(8)}::text[], ${p(9)}::smallint[])
       AS o(id, tenant_id, message_id, url, payload, at, next_at, endpoint_id, event_id, lane)
     ${where}
     ON CONFLICT (id) DO NOTHING`;
};

export const outboxParams = (rows: readonly OutboxRow[]): unknown[] => [
  rows.map((r) => r.id),
  rows.map((r) => r.tenantId),
  rows.map((r) => r.messageId),
  rows.map((r) => r.url),
  rows.map((r) => r.payload),
  rows.map((r) => r.at),
  // Due at once: the instant of the event it reports.
  rows.map((r) => new Date(Date.parse(r.at)).toISOString()),
  rows.map((r) => r.endpointId),
  rows.map((r) => r.eventId),
  rows.map((r) => r.lane),
];

/** Writes outbox rows in one statement, however many events and recipients they come from. */
export async function writeOutbox(tx: Tx, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(outboxInsertSql(1), outboxParams(rows));
}
