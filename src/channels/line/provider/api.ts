/**
 * Facts of the LINE Messaging API that the connector and the emulator both hold to: the paths it
 * serves and how it signs a webhook. One copy, so the two cannot drift apart.
 */
import { createHmac } from 'node:crypto';

export const LINE_PATHS = {
  push: '/v2/bot/message/push',
  reply: '/v2/bot/message/reply',
  loading: '/v2/bot/chat/loading/start',
} as const;

/** `x-line-signature`: Base64(HMAC-SHA256(channel secret, raw body)). */
export function signLineBody(rawBody: Buffer | string, channelSecret: string): string {
  return createHmac('sha256', channelSecret).update(rawBody).digest('base64');
}
