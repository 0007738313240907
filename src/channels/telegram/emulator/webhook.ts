/**
 * Simulated user activity: Updates shaped as Telegram sends them (a `message`, or a
 * `callback_query` for a button tap), posted to the gateway's webhook URL with the
 * X-Telegram-Bot-Api-Secret-Token header setWebhook's `secret_token` makes Telegram send.
 */

import { postWebhook, type WebhookAnswer } from '../../../sandbox/post-webhook.ts';
import { SECRET_HEADER } from '../provider/webhook.ts';
import { botUser } from './api.ts';
import type { TelegramSandboxState } from './state.ts';

export type SimulateInput = { chatId: number; text: string } | { chatId: number; callbackData: string };

export function parseSimulateInput(body: unknown): SimulateInput | string {
  if (typeof body !== 'object' || body === null)
    return 'The body must be {chatId, text} or {chatId, callbackData}';
  const b = body as Record<string, unknown>;
  const raw = b['chatId'];
  const chatId = typeof raw === 'string' && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof chatId !== 'number' || !Number.isSafeInteger(chatId) || chatId <= 0) {
    return "'chatId' must be the positive integer id of a private chat (the user's id)";
  }
  if (typeof b['text'] === 'string' && b['text'] !== '') return { chatId, text: b['text'] };
  if (typeof b['callbackData'] === 'string' && b['callbackData'] !== '') {
    return { chatId, callbackData: b['callbackData'] };
  }
  return "Give either a non-empty 'text' or a non-empty 'callbackData' string";
}

export function buildUpdate(
  input: SimulateInput,
  state: TelegramSandboxState,
  botToken: string,
  now: number = Date.now(),
): Record<string, unknown> {
  const date = Math.floor(now / 1000);
  const user = {
    id: input.chatId,
    is_bot: false,
    first_name: 'Sandbox',
    last_name: 'User',
    language_code: 'en',
  };
  const chat = { id: input.chatId, first_name: 'Sandbox', last_name: 'User', type: 'private' };
  const update_id = state.updateId();
  if ('text' in input) {
    return {
      update_id,
      message: { message_id: state.messageId(input.chatId), from: user, chat, date, text: input.text },
    };
  }
  return {
    update_id,
    callback_query: {
      id: state.callbackQueryId(),
      from: user,
      // The message whose button was tapped: the bot's last one in this chat, as far as we know.
      message: { message_id: state.messageId(input.chatId), from: botUser(botToken), chat, date, text: '…' },
      chat_instance: String(-(BigInt(input.chatId) * 7919n + 4_000_000_000_000_000n)),
      data: input.callbackData,
    },
  };
}

/** Delivers an Update with the secret token header, as Telegram does. */
export function postUpdate(url: string, update: unknown, secretToken: string): Promise<WebhookAnswer> {
  return postWebhook(url, JSON.stringify(update), { [SECRET_HEADER]: secretToken });
}
