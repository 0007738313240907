/**
 * LINE's documented limits (../../../../shared/providers.md §1), in one place so the connector's
 * `check` and the emulator's strictness layer cannot disagree. Units matter: message text counts
 * UTF-16 code units, action labels and template fields count grapheme clusters.
 */

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
} as const;

/** A Flex container's size as LINE limits it: UTF-8 bytes of its compact JSON (see `flexBubbleBytes`). */
export function flexJsonBytes(container: unknown): number {
  return Buffer.byteLength(JSON.stringify(container), 'utf8');
}

/** User, group and room ids: the only addresses push accepts. */
export const LINE_CHAT_ID = /^[UCR][0-9a-f]{32}$/;
/** The loading indicator only works in one-on-one chats. */
export const LINE_USER_ID = /^U[0-9a-f]{32}$/;

/**
 * How long after its webhook a reply token is taken. LINE documents no figure, only that a token
 * must be used "within a certain period"; tokens are reported to fail after 30 s to a minute. A
 * minute refuses only what is surely stale.
 */
export const LINE_REPLY_TOKEN_VALID_MS = 60_000;

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
