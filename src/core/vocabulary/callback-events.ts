/**
 * The names of the events a callback reports (`message.<status>`, `message.clicked`), which a
 * webhook subscription and a send's own callbackUrl each choose from, and the choice a send makes
 * when it names none.
 */
import { MESSAGE_STATUSES, type MessageStatus } from './status.ts';

export type MessageEventType = `message.${MessageStatus}` | 'message.clicked';

/**
 * Every event type, in a fixed order: a message stores the events its callbackUrl wants as bits
 * of this list (`callbackEventMask`), so entries are only ever appended.
 */
const BIT_ORDER = [
  'message.accepted',
  'message.queued',
  'message.sending',
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.undelivered',
  'message.expired',
  'message.rejected',
  'message.clicked',
] as const satisfies readonly MessageEventType[];

// Every status has its bit: a status added to the vocabulary fails to compile until it is appended.
type Missing = Exclude<MessageEventType, (typeof BIT_ORDER)[number]>;
const everyStatusHasABit: Missing extends never ? true : Missing = true;
void everyStatusHasABit;

/** What a subscription's `events` and a send's `callbackEvents` may name; `*` is all of them. */
export const EVENT_TYPES: string[] = ['*', ...MESSAGE_STATUSES.map((s) => `message.${s}`), 'message.clicked'];

/**
 * What a send's own callbackUrl gets when the send names no events: what tells the caller
 * something. Not `queued` (the 202 said so) nor `sending` (an attempt began, and may begin again).
 */
export const DEFAULT_CALLBACK_EVENTS: readonly MessageEventType[] = [
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.undelivered',
  'message.expired',
  'message.rejected',
  'message.clicked',
];

/** The events as stored on a message: null is all of them (`*`, or a message stored before the choice existed). */
export function callbackEventMask(events: readonly string[] | undefined): number | null {
  if (events === undefined || events.includes('*')) return null;
  let mask = 0;
  for (const e of events) {
    const bit = (BIT_ORDER as readonly string[]).indexOf(e);
    if (bit >= 0) mask |= 1 << bit;
  }
  return mask;
}

/** Whether a message whose callbackUrl wants `mask` is told of `event`. */
export function maskWants(mask: number | null | undefined, event: MessageEventType): boolean {
  if (mask === null || mask === undefined) return true;
  const bit = (BIT_ORDER as readonly string[]).indexOf(event);
  return bit >= 0 && (mask & (1 << bit)) !== 0;
}

/** The event names of a stored mask, in the list's order; `*` for all. */
export function callbackEventsOf(mask: number | null | undefined): string[] {
  if (mask === null || mask === undefined) return ['*'];
  return BIT_ORDER.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

/** Whether a send's callbackUrl is told of `queued` (written at the accept), given its callbackEvents. */
export const sendTellsQueued = (callbackEvents: readonly string[] | undefined): boolean =>
  (callbackEvents ?? DEFAULT_CALLBACK_EVENTS).some((e) => e === '*' || e === 'message.queued');
