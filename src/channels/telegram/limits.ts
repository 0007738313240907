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

/** A numeric chat id (negative for groups and channels) or a public `@username`. */
export const TELEGRAM_NUMERIC_CHAT_ID = /^-?[0-9]{1,20}$/;
export const TELEGRAM_USERNAME = /^@[A-Za-z0-9_]{5,32}$/;

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
