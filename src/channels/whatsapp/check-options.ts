/**
 * The WhatsApp limit a send's own options can break: `replyTo`, the quoted wamid, at most
 * `WA_LIMITS.replyToId` characters (limits.ts). A channel limit, so it is refused like the
 * message's own (422 GW_CAPABILITY), not by the request schema (400).
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import { codePointLength } from '../../lib/text.ts';
import { WA_LIMITS } from './limits.ts';

export function checkWhatsAppOptions(options: Record<string, unknown> | undefined): FieldIssue[] {
  const replyTo = options?.['replyTo'];
  if (typeof replyTo !== 'string') return [];
  const n = codePointLength(replyTo);
  if (n <= WA_LIMITS.replyToId) return [];
  return [
    {
      pointer: '/options/whatsapp/replyTo',
      rule: 'maxLength',
      detail: `A WhatsApp message id to reply to is at most ${WA_LIMITS.replyToId} characters; this one has ${n}`,
    },
  ];
}
