/**
 * Telegram's documented limits (Bot API reference, providers.md §2), shared by `check`, the
 * renderers and the tests. Telegram counts message text and captions in UTF-16 code units and
 * callback data in UTF-8 bytes (providers.md §12).
 */
export const TELEGRAM_LIMITS = {
  /** sendMessage `text`, after entity parsing. */
  text: 4096,
  /** Media `caption`, after entity parsing. */
  caption: 1024,
  /** InlineKeyboardButton `callback_data`, bytes. */
  callbackData: 64,
} as const;

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
