/**
 * The 200 answer. The LINE page (seed 004) says only "200 OK"; the body follows what Infobip's
 * single-send APIs of the same generation answer (`POST /sms/1/text/single`): one entry per message
 * with the destination, a status object and the message id. The status is Infobip's
 * PENDING_ENROUTE (group PENDING): accepted and on its way, which is what an accepted, queued
 * Omnigate message is. The message id is Omnigate's, so GET /v1/messages/{id} finds it.
 */
import type { SendOutcome } from '../../core/send-message.ts';
import type { SingleResponse } from './schema.ts';

const PENDING_ENROUTE = {
  groupId: 1,
  groupName: 'PENDING',
  id: 7,
  name: 'PENDING_ENROUTE',
  description: 'Message sent to next instance',
} as const;

export function accepted(to: string, outcome: SendOutcome): SingleResponse {
  return {
    messages: outcome.body.messages.map((m) => ({ to, status: { ...PENDING_ENROUTE }, messageId: m.id })),
  };
}
