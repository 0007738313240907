/**
 * WeChat's limits as Omnigate applies them. WeChat documents few of them for customer-service
 * messages (providers.md §13); where it is silent the number here is our choice, said so in
 * README.md, and the emulator enforces the same number so check() and the sandbox agree.
 */

export const WECHAT_LIMITS = {
  /** Text `content`, UTF-8 bytes: the 2048 bytes WeChat documents for text replies [chosen]. */
  textBytes: 2048,
  /** A news message carries one article in the current API (older docs: up to 8). */
  newsArticles: 1,
  /** msgmenu items [chosen]. */
  menuItems: 10,
  /** msgmenu item `id` (what comes back as `bizmsgmenuid`), UTF-8 bytes [chosen]. */
  menuIdBytes: 64,
  /** msgmenu item `content` (the tappable label), characters [chosen]. */
  menuContentChars: 100,
  /** Article title / description, characters [chosen]. */
  articleTitleChars: 64,
  articleDescriptionChars: 512,
  /** A user message opens a 48 h window with 5 sends; a menu click, follow or scan 1 min with 3. */
  messageWindowMs: 48 * 3_600_000,
  messageQuota: 5,
  eventWindowMs: 60_000,
  eventQuota: 3,
} as const;

/** An Official Account openid: 28 URL-safe base64 characters, `o` first in practice. */
export const WECHAT_OPENID = /^[A-Za-z0-9_-]{28}$/;

/** Uploaded media ids are URL-safe base64 strings. */
export const WECHAT_MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;
