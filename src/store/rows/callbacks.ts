/**
 * The callback outbox (callback_deliveries) as both adapters write and read it: the rows a status
 * event produces, a claimed delivery, a message's deliveries and an endpoint's delivery log.
 */
import type { CallbackEvent } from '../../core/callbacks.ts';
import type { CallbackDelivery, DeliveryRecord } from '../../core/ports/store.ts';

export interface OutboxRow {
  id: string;
  tenantId: string;
  messageId: string;
  /** The message's lane (rows/fair-claim.ts): a claim serves its callbacks in the same order. */
  lane: number;
  url: string;
  payload: string;
  at: string;
  endpointId: string | null;
  eventId: string;
}

/**
 * The deliveries of one event: to the send's own callbackUrl, if any, and to each subscription
 * that wants it (`endpoints`). Same payload and event id, except that a send made through a vendor
 * façade tells its own callbackUrl in that vendor's shape (`ownPayload`, asked only when there is
 * a callbackUrl), or not at all (undefined) for an event the vendor does not notify.
 */
export function outboxRows(
  tenantId: string,
  messageId: string,
  lane: number,
  callbackUrl: string | null | undefined,
  event: CallbackEvent,
  endpoints: ReadonlyArray<{ id: string; url: string }>,
  at: string,
  ownPayload: () => string | undefined = () => event.payload,
): OutboxRow[] {
  const rows: OutboxRow[] = [];
  const base = { tenantId, messageId, lane, at, eventId: event.id };
  if (callbackUrl) {
    const own = ownPayload();
    if (own !== undefined)
      rows.push({ ...base, id: event.id, url: callbackUrl, payload: own, endpointId: null });
  }
  for (const e of endpoints) {
    rows.push({ ...base, id: `${event.id}.${e.id}`, url: e.url, payload: event.payload, endpointId: e.id });
  }
  return rows;
}

export interface CallbackRow {
  id: string;
  tenant_id: string;
  message_id: string;
  url: string;
  payload: string;
  attempts: number;
  endpoint_id: string | null;
  event_id: string | null;
}

/** A delivery; one written before event ids existed is its own event. */
export const toCallbackDelivery = (r: CallbackRow): CallbackDelivery => ({
  id: r.id,
  eventId: r.event_id ?? r.id,
  ...(r.endpoint_id !== null ? { endpointId: r.endpoint_id } : {}),
  tenantId: r.tenant_id,
  messageId: r.message_id,
  url: r.url,
  payload: r.payload,
  attempts: r.attempts,
});

/** A delivery with its outcome so far (CallbackRepository.list). */
export const toCallbackListing = (r: CallbackRow & { state: string; last_error: string | null }) => ({
  ...toCallbackDelivery(r),
  state: r.state,
  lastError: r.last_error ?? undefined,
});

/** A line of an endpoint's delivery log. */
export interface DeliveryLogRow {
  id: string;
  event_id: string | null;
  message_id: string;
  state: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  payload: string;
  created_at: string;
  updated_at: string;
}

export const toDeliveryRecord = (r: DeliveryLogRow): DeliveryRecord => ({
  id: r.id,
  eventId: r.event_id ?? r.id,
  messageId: r.message_id,
  state: r.state,
  attempts: r.attempts,
  ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  payload: r.payload,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
