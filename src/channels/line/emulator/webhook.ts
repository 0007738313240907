/**
 * Simulated user activity: webhook bodies shaped as LINE sends them (webhook.yml), signed with the
 * sandbox channel secret and posted to the gateway's inbound URL, each with a fresh reply token the
 * emulator will honour once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from '../../../lib/ids.ts';
import { postWebhook, type WebhookAnswer } from '../../../sandbox/post-webhook.ts';
import { signLineBody } from '../provider/api.ts';
import type { LineSandboxState } from './state.ts';

export type SimulateInput = { from: string; text: string } | { from: string; postback: string };

export interface SimulatedWebhook {
  body: { destination: string; events: Record<string, unknown>[] };
  replyToken: string;
}

/** The bot's own user id, stable per access token, as `destination` carries it. */
export function botUserId(channelAccessToken: string): string {
  return `U${createHash('sha256').update(channelAccessToken).digest('hex').slice(0, 32)}`;
}

export function parseSimulateInput(body: unknown): SimulateInput | string {
  if (typeof body !== 'object' || body === null) return 'The body must be {from, text} or {from, postback}';
  const b = body as Record<string, unknown>;
  if (typeof b['from'] !== 'string' || !/^U[0-9a-f]{32}$/.test(b['from'])) {
    return "'from' must be a LINE user id (U followed by 32 lowercase hex digits)";
  }
  if (typeof b['text'] === 'string' && b['text'] !== '') return { from: b['from'], text: b['text'] };
  if (typeof b['postback'] === 'string') return { from: b['from'], postback: b['postback'] };
  return "Give either a non-empty 'text' or a 'postback' string";
}

export function buildWebhook(
  input: SimulateInput,
  state: LineSandboxState,
  channelAccessToken: string,
  now: number = Date.now(),
): SimulatedWebhook {
  const replyToken = state.issueReplyToken();
  const common = {
    timestamp: now,
    mode: 'active',
    webhookEventId: ulid(now),
    deliveryContext: { isRedelivery: false },
    source: { type: 'user', userId: input.from },
    replyToken,
  };
  const event =
    'text' in input
      ? {
          type: 'message',
          ...common,
          message: {
            id: state.messageId(),
            type: 'text',
            text: input.text,
            quoteToken: state.quoteToken(),
            markAsReadToken: randomBytes(24).toString('base64url'),
          },
        }
      : { type: 'postback', ...common, postback: { data: input.postback } };
  return { body: { destination: botUserId(channelAccessToken), events: [event] }, replyToken };
}

/** Posts exactly the bytes it signed, as LINE does (LineBotWebhook/2.0). */
export function postLineWebhook(url: string, body: unknown, channelSecret: string): Promise<WebhookAnswer> {
  const raw = JSON.stringify(body);
  return postWebhook(url, raw, {
    'user-agent': 'LineBotWebhook/2.0',
    'x-line-signature': signLineBody(raw, channelSecret),
  });
}
