/**
 * LINE's documented limits (../../../../shared/providers.md §1), in one place so the connector's
 * `check` and the emulator's strictness layer cannot disagree. Units matter: message text counts
 * UTF-16 code units, action labels and template fields count grapheme clusters. LINE_LIMIT_NOTES
 * says of each what it limits, its unit, where it is enforced and its source (docs/limits.md).
 */
import type { LimitNotes } from '../kit/limit-notes.ts';

export const LINE_LIMITS = {
  /** `messages` maxItems 5 of PushMessageRequest / ReplyMessageRequest in LINE's OpenAPI document. */
  messagesPerRequest: 5,
  /** UTF-16 units. */
  text: 5000,
  /** Every URL LINE fetches (media, thumbnails, icons, imagemap base). */
  url: 2000,
  /** URI action `uri` / imagemap `linkUri`. */
  uriAction: 1000,
  /** Graphemes; templates and quick reply. */
  actionLabel: 20,
  postbackData: 300,
  /** Graphemes; postback `displayText` and message action `text`. */
  actionText: 300,
  quickReplyItems: 13,
  buttonsActions: 4,
  buttonsTitle: 40,
  buttonsText: 160,
  /** Buttons text when the template also has an image or a title. */
  buttonsTextShort: 60,
  confirmText: 240,
  confirmActions: 2,
  carouselColumns: 10,
  carouselActions: 3,
  carouselTitle: 40,
  carouselText: 120,
  carouselTextShort: 60,
  flexCarouselBubbles: 12,
  /**
   * Bytes of JSON per Flex bubble and per Flex carousel: LINE's reference ("The maximum size of JSON
   * data that defines a bubble is 30 KB", "... a carousel is 50 KB",
   * https://developers.line.biz/en/reference/messaging-api/#bubble and #f-carousel; 10 KB → 30 KB
   * in the September 2020 update). LINE does not say whether a KB is 1000 or 1024 bytes, nor how it
   * serialises; we take the smaller reading, UTF-8 bytes of the compact JSON (`flexJsonBytes`), so
   * what we send fits either way, and the emulator refuses by the same measure.
   */
  flexBubbleBytes: 30_000,
  flexCarouselBytes: 50_000,
  /** LINE's current reference allows 1500; the SDK still says 400 (providers.md §13). */
  altText: 1500,
  /** What we derive ourselves stays under the older, stricter figure, so either reading passes. */
  derivedAltText: 400,
  locationTitle: 100,
  locationAddress: 100,
  /**
   * Imagemaps, from LINE's reference (https://developers.line.biz/en/reference/messaging-api/#imagemap-message):
   * `baseSize.width` "Set to 1040"; `actions` "Max: 50"; a message action's `text` "Max character
   * limit: 400" and every imagemap action's `label` 100; a video's `externalLink.label` 30. Imagemap
   * actions are not among the objects LINE counts in graphemes (text-character-count), so these are
   * UTF-16 units.
   */
  imagemapWidth: 1040,
  imagemapActions: 50,
  imagemapMessageText: 400,
  imagemapLabel: 100,
  imagemapVideoLabel: 30,
  /**
   * The loading indicator's `loadingSeconds`: "minimum: 5, maximum: 60 ... It must be a multiple of
   * 5" (ShowLoadingAnimationRequest in LINE's OpenAPI document;
   * https://developers.line.biz/en/reference/messaging-api/#display-a-loading-indicator).
   */
  loadingSecondsMin: 5,
  loadingSecondsMax: 60,
  loadingSecondsStep: 5,
  /**
   * How long after its webhook a reply token is taken. LINE documents no figure, only that a token
   * must be used "within a certain period"; tokens are reported to fail after 30 s to a minute. A
   * minute refuses only what is surely stale.
   */
  replyTokenValidMs: 60_000,
} as const;

const REF = 'https://developers.line.biz/en/reference/messaging-api/';

export const LINE_LIMIT_NOTES: LimitNotes<typeof LINE_LIMITS> = {
  messagesPerRequest: {
    what: 'message objects in one push or reply (`messages`)',
    unit: 'items',
    where: ['render', 'emulator'],
    source: `${REF}#send-push-message (OpenAPI \`maxItems: 5\`)`,
  },
  text: {
    what: 'text message `text`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#text-message; providers.md §1`,
  },
  url: {
    what: 'every URL LINE fetches (media, previews, thumbnails, icons, imagemap base)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: 'providers.md §1 (media limits: HTTPS, ≤ 2000 characters)',
  },
  uriAction: {
    what: 'URI action `uri`, imagemap `linkUri`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#action-objects (URI action)`,
  },
  actionLabel: {
    what: 'action `label` in templates and quick replies',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#action-objects; providers.md §1`,
  },
  postbackData: {
    what: 'postback action `data` (a reply payload, a list row id)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#action-objects (postback action; OpenAPI \`maxLength: 300\`)`,
  },
  actionText: {
    what: 'postback `displayText`, message action `text`',
    unit: 'graphemes',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#action-objects; providers.md §1`,
  },
  quickReplyItems: {
    what: 'quick reply `items`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `providers.md §1 (quick reply; OpenAPI \`maxItems: 13\`)`,
  },
  buttonsActions: {
    what: 'buttons template `actions`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (buttons); providers.md §1`,
  },
  buttonsTitle: {
    what: 'buttons template `title`',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (buttons)`,
  },
  buttonsText: {
    what: 'buttons template `text` without image or title',
    unit: 'graphemes',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#template-messages (buttons)`,
  },
  buttonsTextShort: {
    what: 'buttons template `text` with an image or a title',
    unit: 'graphemes',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#template-messages (buttons)`,
  },
  confirmText: {
    what: 'confirm template `text` (a raw payload; Omnigate renders no confirm)',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (confirm)`,
  },
  confirmActions: {
    what: 'confirm template `actions` (exactly 2)',
    unit: 'items',
    bound: 'exact',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (confirm)`,
  },
  carouselColumns: {
    what: 'carousel and image carousel template `columns`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (carousel)`,
  },
  carouselActions: {
    what: 'carousel column `actions`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (carousel column)`,
  },
  carouselTitle: {
    what: 'carousel column `title`',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (carousel column)`,
  },
  carouselText: {
    what: 'carousel column `text` without image or title',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (carousel column)`,
  },
  carouselTextShort: {
    what: 'carousel column `text` with an image or a title',
    unit: 'graphemes',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (carousel column)`,
  },
  flexCarouselBubbles: {
    what: 'Flex carousel `contents` (bubbles)',
    unit: 'items',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#f-carousel; providers.md §1`,
  },
  flexBubbleBytes: {
    what: 'JSON of one Flex bubble (compact, "30 KB" read as 30,000)',
    unit: 'UTF-8 bytes',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#bubble`,
  },
  flexCarouselBytes: {
    what: 'JSON of one Flex carousel (compact, "50 KB" read as 50,000)',
    unit: 'UTF-8 bytes',
    where: ['check', 'render', 'emulator'],
    source: `${REF}#f-carousel`,
  },
  altText: {
    what: 'template, Flex and imagemap `altText`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#template-messages (1500; the SDK still says 400, providers.md §13)`,
  },
  derivedAltText: {
    what: '`altText` Omnigate writes itself',
    unit: 'UTF-16 units',
    where: ['render'],
    source: '[chosen] the older, stricter 400 of the SDK (providers.md §13), so either reading passes',
  },
  locationTitle: {
    what: 'location message `title`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#location-message`,
  },
  locationAddress: {
    what: 'location message `address`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#location-message`,
  },
  imagemapWidth: {
    what: 'imagemap `baseSize.width`',
    unit: 'pixels',
    bound: 'exact',
    where: ['check', 'emulator'],
    source: `${REF}#imagemap-message ("Set to 1040")`,
  },
  imagemapActions: {
    what: 'imagemap `actions`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `${REF}#imagemap-message`,
  },
  imagemapMessageText: {
    what: 'imagemap message action `text`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#imagemap-action-objects`,
  },
  imagemapLabel: {
    what: 'imagemap action `label`',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#imagemap-action-objects`,
  },
  imagemapVideoLabel: {
    what: 'imagemap video `externalLink.label` (a raw payload)',
    unit: 'UTF-16 units',
    where: ['check', 'emulator'],
    source: `${REF}#imagemap-message`,
  },
  loadingSecondsMin: {
    what: 'loading indicator `loadingSeconds` (`options.line.loadingSeconds`)',
    unit: 'seconds',
    bound: 'min',
    where: ['check', 'emulator'],
    source: `${REF}#display-a-loading-indicator (OpenAPI \`minimum: 5\`)`,
  },
  loadingSecondsMax: {
    what: 'loading indicator `loadingSeconds`',
    unit: 'seconds',
    where: ['check', 'emulator'],
    source: `${REF}#display-a-loading-indicator (OpenAPI \`maximum: 60\`)`,
  },
  loadingSecondsStep: {
    what: 'loading indicator `loadingSeconds`, a multiple of',
    unit: 'seconds',
    bound: 'step',
    where: ['check', 'emulator'],
    source: `${REF}#display-a-loading-indicator ("It must be a multiple of 5")`,
  },
  replyTokenValidMs: {
    what: 'age of a reply token (`options.line.replyToken`) since its webhook',
    unit: 'milliseconds',
    where: ['check'],
    source:
      '[chosen] LINE says only "within a certain period"; tokens are reported to fail after 30 s to a minute',
  },
};

/** A Flex container's size as LINE limits it: UTF-8 bytes of its compact JSON (see `flexBubbleBytes`). */
export function flexJsonBytes(container: unknown): number {
  return Buffer.byteLength(JSON.stringify(container), 'utf8');
}

/** User, group and room ids: the only addresses push accepts. */
export const LINE_CHAT_ID = /^[UCR][0-9a-f]{32}$/;
/** The loading indicator only works in one-on-one chats. */
export const LINE_USER_ID = /^U[0-9a-f]{32}$/;

/** How long after its webhook a reply token is taken (`LINE_LIMITS.replyTokenValidMs`). */
export const LINE_REPLY_TOKEN_VALID_MS = LINE_LIMITS.replyTokenValidMs;

/** Schemes a URI action may open. */
export const URI_ACTION_SCHEMES: readonly string[] = ['http:', 'https:', 'line:', 'tel:'];

/** LINE fetches media itself and only over HTTPS (TLS 1.2+). */
export function isHttpsUrl(url: string): boolean {
  return /^https:\/\//i.test(url);
}

export function uriScheme(uri: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*:)/i.exec(uri);
  return m?.[1]?.toLowerCase();
}
