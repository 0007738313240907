/**
 * Telegram's documented limits (Bot API reference, providers.md §2), shared by `check`, the
 * renderers and the tests. Telegram counts message text and captions in Unicode characters (code
 * points) once the markup is parsed (parse-mode/visible-text.ts) and callback data in UTF-8 bytes.
 * TELEGRAM_LIMIT_NOTES says of each its unit, where it is enforced and its source (docs/limits.md).
 */
import type { LimitNotes } from '../kit/limit-notes.ts';

export const TELEGRAM_LIMITS = {
  /** sendMessage `text`, after entity parsing. */
  text: 4096,
  /** Media `caption`, after entity parsing. */
  caption: 1024,
  /** InlineKeyboardButton `callback_data`, bytes. */
  callbackData: 64,
  /** A `text` or `caption` source, markup included, before parsing (Client::get_formatted_text). */
  sourceBytes: 1 << 15,
} as const;

const API = 'https://core.telegram.org/bots/api';

export const TELEGRAM_LIMIT_NOTES: LimitNotes<typeof TELEGRAM_LIMITS> = {
  text: {
    what: 'sendMessage `text`, counted after entity parsing',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${API}#sendmessage ("1-4096 characters after entities parsing"); providers.md §2`,
  },
  caption: {
    what: 'media `caption`, counted after entity parsing',
    unit: 'code points',
    where: ['check', 'render', 'emulator'],
    source: `${API}#sendphoto ("0-1024 characters after entities parsing")`,
  },
  callbackData: {
    what: 'InlineKeyboardButton `callback_data` (a reply payload, a list row id)',
    unit: 'UTF-8 bytes',
    where: ['check', 'render', 'emulator'],
    source: `${API}#inlinekeyboardbutton ("1-64 bytes")`,
  },
  sourceBytes: {
    what: '`text` or `caption` as sent, markup included',
    unit: 'UTF-8 bytes',
    where: ['check', 'emulator'],
    source: 'telegram-bot-api Client.cpp, Client::get_formatted_text ("Text is too long" over 1 << 15 bytes)',
  },
};

/**
 * A numeric chat id (negative for groups and channels; no leading zeros, at most 16 digits) or a
 * public `@username` (a letter, then 4-31 letters, digits or underscores). Telegram ids fit in 52
 * bits, so a numeric id must also be a safe integer: `isTelegramChatId` checks both.
 */
export const TELEGRAM_NUMERIC_CHAT_ID = /^-?[1-9][0-9]{0,15}$/;
export const TELEGRAM_USERNAME = /^@[A-Za-z][A-Za-z0-9_]{4,31}$/;

export function isTelegramChatId(to: string): boolean {
  if (TELEGRAM_USERNAME.test(to)) return true;
  return TELEGRAM_NUMERIC_CHAT_ID.test(to) && Number.isSafeInteger(Number(to));
}

/** Inline `url` buttons open HTTP(S) and tg:// links only. */
export function isTelegramButtonUrl(url: string): boolean {
  return /^(https?|tg):\/\/\S+$/i.test(url);
}

/** `chat_id` as Telegram takes it: a number when numeric (and exactly representable), else the username. */
export function telegramChatId(to: string): number | string {
  if (TELEGRAM_NUMERIC_CHAT_ID.test(to)) {
    const n = Number(to);
    if (Number.isSafeInteger(n)) return n;
  }
  return to;
}
