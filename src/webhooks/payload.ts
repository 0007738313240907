/**
 * The body of a status callback, built once when the status changes and stored in the outbox as
 * the exact bytes to send, so every retry carries an identical, verifiable payload.
 * Shape follows Standard Webhooks: `{ type, timestamp, data }`; the event id travels in the
 * `webhook-id` header and is also in `data.eventId` for consumers that log bodies only.
 */
import type { MessageStatus } from '../core/vocabulary/status.ts';

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

/** Stable across retries: the same status change always has the same id. */
export function statusEventId(messageId: string, sequence: number): string {
  return `evt_${messageId.replace(/^msg_/, '')}_${sequence}`;
}

export function buildStatusCallback(input: StatusCallbackInput): { id: string; payload: string } {
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
