/**
 * Telegram webhooks: Telegram echoes setWebhook's `secret_token` in
 * `X-Telegram-Bot-Api-Secret-Token` on every delivery (plain equality, no HMAC), compared here in
 * constant time. The body is one Update.
 */

import type { Credentials, InboundEvent, InboundRequest } from '../../core/vocabulary/channel.ts';
import { headerValue, secretsEqual } from '../../lib/headers.ts';
import { isObj, str } from '../../lib/json.ts';
import { SECRET_HEADER } from './provider/webhook.ts';

export function verifyTelegramSecret(request: InboundRequest, credentials: Credentials): boolean {
  const secret = credentials['secretToken'];
  const given = headerValue(request.headers, SECRET_HEADER);
  if (!secret || given === undefined) return false;
  return secretsEqual(secret, given);
}

const id = (v: unknown): string | undefined =>
  typeof v === 'number' || typeof v === 'string' ? String(v) : undefined;

/** The message content fields, most specific first; the first present names the content type. */
const CONTENT_TYPES = [
  'text',
  'photo',
  'video',
  'audio',
  'document',
  'voice',
  'sticker',
  'location',
  'contact',
];

/**
 * `message` becomes a message event, `callback_query` a postback (its id as `replyToken`); every other update (edited
 * messages, channel posts, member changes, ...) is passed on as `other` with its field name.
 * Telegram has no delivery or read receipts for bot messages, so no `status` events come from here.
 */
export function parseTelegramUpdate(body: unknown): InboundEvent[] {
  if (!isObj(body)) return [];
  const providerEventId = id(body['update_id']);
  const common = providerEventId !== undefined ? { providerEventId } : {};
  const message = body['message'];
  if (isObj(message)) {
    const chat = isObj(message['chat']) ? message['chat'] : {};
    const from = id(chat['id']) ?? (isObj(message['from']) ? id(message['from']['id']) : undefined);
    if (from !== undefined) {
      const text = str(message['text']) ?? str(message['caption']);
      return [
        {
          kind: 'message',
          ...common,
          from,
          contentType: CONTENT_TYPES.find((t) => message[t] !== undefined) ?? 'other',
          ...(text !== undefined ? { text } : {}),
          occurredAt: dateOf(message['date']),
        },
      ];
    }
  }
  const callback = body['callback_query'];
  if (isObj(callback)) {
    const msg = isObj(callback['message']) ? callback['message'] : undefined;
    const chat = msg !== undefined && isObj(msg['chat']) ? msg['chat'] : undefined;
    const user = isObj(callback['from']) ? callback['from'] : undefined;
    const from = id(chat?.['id']) ?? id(user?.['id']);
    // The query id is what answerCallbackQuery needs to stop the button's spinner; the tap is
    // answerable only through it, so it travels as the event's reply token.
    const queryId = id(callback['id']);
    if (from !== undefined) {
      return [
        {
          kind: 'postback',
          ...common,
          from,
          payload: str(callback['data']) ?? '',
          ...(queryId !== undefined ? { replyToken: queryId } : {}),
          // A callback carries no date of its own; the tap is now.
          occurredAt: new Date(),
        },
      ];
    }
  }
  const type = Object.keys(body).find((k) => k !== 'update_id') ?? 'unknown';
  const payload = body[type];
  const chat = isObj(payload) && isObj(payload['chat']) ? id(payload['chat']['id']) : undefined;
  const user = isObj(payload) && isObj(payload['from']) ? id(payload['from']['id']) : undefined;
  const from = chat ?? user;
  return [
    {
      kind: 'other',
      ...common,
      type,
      ...(from !== undefined ? { from } : {}),
      occurredAt: isObj(payload) ? dateOf(payload['date']) : new Date(),
    },
  ];
}

function dateOf(seconds: unknown): Date {
  return typeof seconds === 'number' ? new Date(seconds * 1000) : new Date();
}
