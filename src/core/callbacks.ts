/**
 * The port through which the store gets the bytes of a callback. The store must build them itself,
 * inside the transaction that changes the status, because only there are the event's sequence and
 * previous status known and the outbox row written with them (a durable outbox: no change without
 * its callback, no callback without its change). What the bytes look like is not the store's
 * business: Omnigate's own shape lives in webhooks/, a vendor façade's in its compat/ folder, and
 * the composition root hands the store the set (runtime.ts).
 */
import type { MessageStatus } from './vocabulary/status.ts';

/** What a status change tells a callback. */
export interface StatusCallbackInput {
  messageId: string;
  channel: string;
  to: string;
  status: MessageStatus;
  previousStatus: MessageStatus;
  sequence: number;
  occurredAt: string;
  reason?: string | undefined;
  code?: string | undefined;
  providerMessageId?: string | undefined;
  correlationId?: string | undefined;
  callbackData?: string | undefined;
}

/** What a click on one of a message's short links tells a callback. */
export interface ClickedCallbackInput {
  messageId: string;
  channel: string;
  to: string;
  sequence: number;
  occurredAt: string;
  /** The click's own facts (which link, where to), as recorded on the event. */
  detail: Record<string, unknown>;
  correlationId?: string | undefined;
  callbackData?: string | undefined;
}

/** An event in Omnigate's own shape: its id (the same on every retry) and the exact body. */
export interface CallbackEvent {
  id: string;
  payload: string;
}

/**
 * A vendor's notification shape for a send's own callbackUrl: the exact body to post, or undefined
 * for a status the vendor does not notify. Pure: it runs inside the store's transaction.
 */
export type CallbackFormatter = (input: StatusCallbackInput) => string | undefined;

/** Builds every callback body the store queues. Pure, like the formatters it holds. */
export interface CallbackPayloads {
  /** Omnigate's own event of a status change: what subscriptions and a native send's callbackUrl get. */
  status(input: StatusCallbackInput): CallbackEvent;
  /** Omnigate's own event of a click. */
  clicked(input: ClickedCallbackInput): CallbackEvent;
  /**
   * The body for the send's own callbackUrl when the send asked for `format` (a façade's shape):
   * undefined when that vendor does not notify this status; `event`'s own body when no format.
   */
  own(
    format: string | null | undefined,
    input: StatusCallbackInput,
    event: CallbackEvent,
  ): string | undefined;
}
