/**
 * Message rows as both adapters read them, and what a row tells the outside: the stored message,
 * what the dispatcher needs of it, its status events, and the status callbacks a change of it
 * produces (as outbox rows; each adapter writes them its own way).
 */
import type { CallbackPayloads, StatusCallbackInput } from '../../core/callbacks.ts';
import type {
  AcceptBatch,
  DispatchMessage,
  IdempotencyRecord,
  MessageFilter,
  NewRecipient,
  StatusEvent,
  StoredMessage,
  Transition,
} from '../../core/ports/store.ts';
import {
  callbackEventMask,
  callbackEventsOf,
  type MessageEventType,
  maskWants,
} from '../../core/vocabulary/callback-events.ts';
import type { MessageStatus } from '../../core/vocabulary/status.ts';
import { type OutboxRow, outboxRows } from './callbacks.ts';
import { type Flag, flag, opt } from './columns.ts';
import { laneCode } from './fair-claim.ts';

export interface MessageRow {
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
  /** The events callbackUrl is told of, as bits (core/vocabulary/callback-events.ts); null for all. */
  callback_events: number | null;
  expires_at: string | null;
  contact_id: string | null;
  forced: Flag;
  template: string | null;
  policy: string | null;
  maybe_sent_resends: number;
  /** Its jobs' and callbacks' lane (rows/fair-claim.ts). */
  lane: number;
  created_at: string;
  updated_at: string;
}

/** What a status change reads of a message: no content or request, the two largest values. */
export type TransitionColumns = Pick<
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
  | 'callback_events'
  | 'lane'
>;

export function toMessage(r: MessageRow): StoredMessage {
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
    ...(r.callback_url !== null ? { callbackEvents: callbackEventsOf(r.callback_events) } : {}),
    expiresAt: opt(r.expires_at),
    contactId: opt(r.contact_id),
    ...(flag(r.forced) ? { forced: true } : {}),
    ...(r.template !== null ? { template: JSON.parse(r.template) } : {}),
    ...(r.policy !== null ? { policy: JSON.parse(r.policy) } : {}),
    maybeSentResends: r.maybe_sent_resends,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

type DispatchColumns = Pick<MessageRow, 'id' | 'recipient' | 'request' | 'expires_at' | 'maybe_sent_resends'>;

export const toDispatchMessage = (r: DispatchColumns): DispatchMessage => ({
  id: r.id,
  to: r.recipient,
  request: JSON.parse(r.request),
  expiresAt: opt(r.expires_at),
  maybeSentResends: r.maybe_sent_resends,
});

/** An expired message is left as it is: the dispatcher ends it `expired`, never `sending`. */
export const hasExpired = (r: Pick<MessageRow, 'expires_at'>, at: string): boolean =>
  r.expires_at !== null && Date.parse(r.expires_at) <= Date.parse(at);

export interface StatusEventRow {
  status: MessageStatus;
  at: string;
  reason: string | null;
  code: string | null;
  detail: string | null;
}

/**
 * A message's events. The first two (accepted, queued: seq 1 and 2) happen at created_at by
 * definition, so they are derived rather than stored; `rows` are the rest, in order.
 */
export const toStatusEvents = (createdAt: string, rows: readonly StatusEventRow[]): StatusEvent[] => [
  { status: 'accepted', at: createdAt },
  { status: 'queued', at: createdAt },
  ...rows.map((r) => ({
    status: r.status,
    at: r.at,
    reason: opt(r.reason),
    code: opt(r.code),
    detail: r.detail ? JSON.parse(r.detail) : undefined,
  })),
];

/** The attempt a transition records and its event's detail (as JSON), provider id included. */
export function transitionEvent(t: Transition): { attempt: number; detail: string | null } {
  const attempt = typeof t.detail?.attempt === 'number' ? t.detail.attempt : 0;
  const detail = t.providerMessageId ? { ...t.detail, providerMessageId: t.providerMessageId } : t.detail;
  return { attempt, detail: detail ? JSON.stringify(detail) : null };
}

export interface IdempotencyRow {
  key: string;
  fingerprint: string;
  status_code: number;
  response: string;
}

export const toIdempotencyRecord = (r: IdempotencyRow): IdempotencyRecord => ({
  key: r.key,
  fingerprint: r.fingerprint,
  statusCode: r.status_code,
  response: JSON.parse(r.response),
});

type Endpoints = ReadonlyArray<{ id: string; url: string }>;

/** The callbackUrl of `m` if it wants `event` (the send's callbackEvents), else null. */
const ownUrlFor = (
  m: Pick<TransitionColumns, 'callback_url' | 'callback_events'>,
  event: MessageEventType,
) => (m.callback_url && maskWants(m.callback_events, event) ? m.callback_url : null);

/**
 * The outbox rows of a status change of `m`, from `previous` to `status` as event `seq`, for its
 * own callbackUrl if the send asked for this event, and the subscriptions that want it
 * (`endpoints`); none when nobody listens.
 */
export function statusCallbackRows(
  payloads: CallbackPayloads,
  m: TransitionColumns,
  status: MessageStatus,
  previous: MessageStatus,
  seq: number,
  t: Pick<Transition, 'at' | 'reason' | 'code' | 'providerMessageId'>,
  endpoints: Endpoints,
): OutboxRow[] {
  const own = ownUrlFor(m, `message.${status}`);
  if (!own && endpoints.length === 0) return [];
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
  const event = payloads.status(input);
  return outboxRows(m.tenant_id, m.id, m.lane, own, event, endpoints, t.at, () =>
    payloads.own(m.callback_format, input, event),
  );
}

/** Whether a batch's own callbackUrl is told of `queued`. */
const wantsQueued = (batch: Pick<AcceptBatch, 'callbackEvents'>) =>
  maskWants(callbackEventMask(batch.callbackEvents), 'message.queued');

/** The outbox rows of the `queued` event of one recipient of an accepted batch (event 2). */
export function queuedCallbackRows(
  payloads: CallbackPayloads,
  batch: AcceptBatch,
  m: Pick<NewRecipient, 'id' | 'to'>,
  endpoints: Endpoints,
): OutboxRow[] {
  const { tenantId, acceptedAt } = batch;
  const callbackUrl = batch.callbackUrl && wantsQueued(batch) ? batch.callbackUrl : undefined;
  if (!callbackUrl && endpoints.length === 0) return [];
  const input: StatusCallbackInput = {
    messageId: m.id,
    channel: batch.channel,
    to: m.to,
    status: 'queued',
    previousStatus: 'accepted',
    sequence: 2,
    occurredAt: acceptedAt,
    correlationId: batch.correlationId,
    callbackData: batch.callbackData,
  };
  const event = payloads.status(input);
  return outboxRows(tenantId, m.id, laneCode(batch), callbackUrl, event, endpoints, acceptedAt, () =>
    payloads.own(batch.callbackFormat, input, event),
  );
}

/** The outbox rows of a click on one of `m`'s links, recorded as its event `seq`. */
export function clickedCallbackRows(
  payloads: CallbackPayloads,
  m: TransitionColumns,
  seq: number,
  detail: Record<string, unknown>,
  at: string,
  endpoints: Endpoints,
): OutboxRow[] {
  const own = ownUrlFor(m, 'message.clicked');
  if (!own && endpoints.length === 0) return [];
  const event = payloads.clicked({
    messageId: m.id,
    channel: m.channel,
    to: m.recipient,
    sequence: seq,
    occurredAt: at,
    detail,
    correlationId: opt(m.correlation_id),
    callbackData: opt(m.callback_data),
  });
  return outboxRows(m.tenant_id, m.id, m.lane, own, event, endpoints, at);
}

/** The list filter's conditions that apply (column and operator, value); each adapter adds its placeholders. */
export function messageFilterConditions(f: MessageFilter): Array<[string, unknown]> {
  const all: Array<[string, unknown]> = [
    ['status =', f.status],
    ['channel =', f.channel],
    ['correlation_id =', f.correlationId],
    ['created_at >=', f.since],
    ['created_at <', f.until],
    ['id <', f.beforeId],
  ];
  return all.filter(([, value]) => value !== undefined);
}
