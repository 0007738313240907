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

/** Writes outbox rows in one statement, however many events and recipients they come from. */
export async function writeOutbox(tx: Tx, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO callback_deliveries (id, tenant_id, message_id, url, payload, state, attempts, next_at, created_at,
       updated_at, endpoint_id, event_id)
     SELECT r.id, r.tenant_id, r.message_id, r.url, r.payload, 'pending', 0, r.next_at, r.at, r.at,
       r.endpoint_id, r.event_id
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
       $8::text[], $9::text[])
       AS r(id, tenant_id, message_id, url, payload, at, next_at, endpoint_id, event_id)
     ON CONFLICT (id) DO NOTHING`,
    [
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
    ],
  );
}
