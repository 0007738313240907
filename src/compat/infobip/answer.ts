/**
 * The 200 answer. The LINE page (seed 004) says only "200 OK"; the body follows what Infobip's
 * single-send APIs of the same generation answer (`POST /sms/1/text/single`): one entry per message
 * with the destination, a status object and the message id. The status is Infobip's
 * PENDING_ENROUTE (group PENDING): accepted and on its way, which is what an accepted, queued
 * Omnigate message is. The message id is Omnigate's, so GET /v1/messages/{id} finds it.
 */
import type { SendAnswer } from '../../core/index.ts';
import type { SingleResponse } from './schema.ts';

const PENDING_ENROUTE = {
  groupId: 1,
  groupName: 'PENDING',
  id: 7,
  name: 'PENDING_ENROUTE',
  description: 'Message sent to next instance',
} as const;

/**
 * A phone number no contact holds: Infobip takes the request and rejects the message for its
 * destination, in the send response's status (REJECTED_DESTINATION, group REJECTED, id 52; its
 * response status codes, infobip.com/docs/essentials/api-essentials/response-status-and-error-codes).
 * Nothing is stored; the message id answered names no message.
 */
export function rejectedDestination(to: string, messageId: string): SingleResponse {
  return {
    messages: [
      {
        to,
        status: {
          groupId: 5,
          groupName: 'REJECTED',
          id: 52,
          name: 'REJECTED_DESTINATION',
          description: 'Invalid destination address',
        },
        messageId,
      },
    ],
  };
}

export function accepted(to: string, outcome: SendAnswer): SingleResponse {
  return {
    messages: outcome.body.messages.map((m) => ({ to, status: { ...PENDING_ENROUTE }, messageId: m.id })),
  };
}
