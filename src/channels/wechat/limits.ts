/**
 * WeChat's limits as Omnigate applies them. WeChat documents few of them for customer-service
 * messages (providers.md §13); where it is silent the number here is our choice, said so in
 * README.md, and the emulator enforces the same number so check() and the sandbox agree.
 * WECHAT_LIMIT_NOTES says of each where it is enforced and its source (docs/limits.md).
 */
import type { LimitNotes } from '../kit/limit-notes.ts';

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

const SEND = 'https://developers.weixin.qq.com/doc/service/api/customer/message/api_sendcustommessage';

export const WECHAT_LIMIT_NOTES: LimitNotes<typeof WECHAT_LIMITS> = {
  textBytes: {
    what: 'text `content`, msgmenu `head_content` and `tail_content`',
    unit: 'UTF-8 bytes',
    where: ['check', 'emulator'],
    source:
      '[chosen] the 2048 bytes WeChat documents for text replies; silent for customer-service messages (providers.md §13)',
  },
  newsArticles: {
    what: 'news `articles` (a carousel of more cards goes as text)',
    unit: 'items',
    where: ['render', 'emulator'],
    source: `${SEND} (one article now; older docs: 8; providers.md §7 [U])`,
  },
  menuItems: {
    what: 'msgmenu `list`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: '[chosen] WeChat states none (providers.md §13)',
  },
  menuIdBytes: {
    what: 'msgmenu item `id` (what comes back as `bizmsgmenuid`)',
    unit: 'UTF-8 bytes',
    where: ['check', 'emulator'],
    source: '[chosen] WeChat states none (providers.md §13)',
  },
  menuContentChars: {
    what: 'msgmenu item `content` (the tappable label)',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: '[chosen] WeChat states none (providers.md §13)',
  },
  articleTitleChars: {
    what: 'news article `title`',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: '[chosen] WeChat states none for customer-service news',
  },
  articleDescriptionChars: {
    what: 'news article `description`',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: '[chosen] WeChat states none for customer-service news',
  },
  messageWindowMs: {
    what: 'sends after a user message (48 h)',
    unit: 'milliseconds',
    where: ['check', 'emulator'],
    source: `${SEND}; providers.md §7`,
  },
  messageQuota: {
    what: 'sends per user message within its window',
    unit: 'items',
    where: ['emulator'],
    source: `${SEND}; providers.md §7`,
  },
  eventWindowMs: {
    what: 'sends after a menu click, follow or scan (1 min)',
    unit: 'milliseconds',
    where: ['emulator'],
    source: `${SEND}; providers.md §7`,
  },
  eventQuota: {
    what: 'sends per menu click, follow or scan within its window',
    unit: 'items',
    where: ['emulator'],
    source: `${SEND}; providers.md §7`,
  },
};

/** An Official Account openid: 28 URL-safe base64 characters, `o` first in practice. */
export const WECHAT_OPENID = /^[A-Za-z0-9_-]{28}$/;

/** Uploaded media ids are URL-safe base64 strings. */
export const WECHAT_MEDIA_ID = /^[A-Za-z0-9_-]{1,128}$/;
