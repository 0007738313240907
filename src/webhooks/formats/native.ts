/**
 * Omnigate's own callback bodies, built once when the event happens and stored in the outbox as
 * the exact bytes to send, so every retry carries an identical, verifiable payload.
 * Shape follows Standard Webhooks: `{ type, timestamp, data }`; the event id travels in the
 * `webhook-id` header and is also in `data.eventId` for consumers that log bodies only.
 * The key order is part of the bytes: receivers verify the signature over them.
 */
import type { CallbackEvent, ClickedCallbackInput, StatusCallbackInput } from '../../core/callbacks.ts';

/** Stable across retries: the same event of a message always has the same id. */
export function statusEventId(messageId: string, sequence: number): string {
  return `evt_${messageId.replace(/^msg_/, '')}_${sequence}`;
}

/** The sequence a delivery's event id ends in (statusEventId; a subscription's adds `.<endpoint>`). */
export function eventSequence(deliveryId: string): number {
  const event = deliveryId.split('.', 1)[0]!;
  return Number(event.slice(event.lastIndexOf('_') + 1));
}

export function buildStatusCallback(input: StatusCallbackInput): CallbackEvent {
  const id = statusEventId(input.messageId, input.sequence);
  const payload = JSON.stringify({
    type: `message.${input.status}`,
    timestamp: input.occurredAt,
    data: {
      eventId: id,
      messageId: input.messageId,
      status: input.status,
      previousStatus: input.previousStatus,
      sequence: input.sequence,
      occurredAt: input.occurredAt,
      channel: input.channel,
      to: input.to,
      reason: input.reason,
      code: input.code,
      providerMessageId: input.providerMessageId,
      correlationId: input.correlationId,
      callbackData: input.callbackData,
    },
  });
  return { id, payload };
}

/** A click keeps the message's status, so it has no `status` or `previousStatus`. */
export function buildClickedCallback(input: ClickedCallbackInput): CallbackEvent {
  const id = statusEventId(input.messageId, input.sequence);
  const payload = JSON.stringify({
    type: 'message.clicked',
    timestamp: input.occurredAt,
    data: {
      eventId: id,
      messageId: input.messageId,
      sequence: input.sequence,
      occurredAt: input.occurredAt,
      channel: input.channel,
      to: input.to,
      ...input.detail,
      correlationId: input.correlationId,
      callbackData: input.callbackData,
    },
  });
  return { id, payload };
}
