/**
 * WhatsApp's documented limits (../../../../shared/providers.md §6), in one place so the
 * connector's `check` and the emulator's strictness layer cannot disagree. WhatsApp counts
 * characters; we count Unicode code points, which is also what the OpenAPI `maxLength` means.
 * WA_LIMIT_NOTES says of each where it is enforced and its source (docs/limits.md).
 */
import { codePointLength } from '../../lib/text.ts';
import type { LimitNotes } from '../kit/limit-notes.ts';

export const WA_LIMITS = {
  text: 4096,
  caption: 1024,
  /** Interactive `body.text`, and the main body of a media carousel. */
  interactiveBody: 1024,
  interactiveHeaderText: 60,
  interactiveFooter: 60,
  replyButtons: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  listButton: 20,
  listSections: 10,
  listRowsTotal: 10,
  listSectionTitle: 24,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  ctaDisplayText: 20,
  carouselMinCards: 2,
  carouselMaxCards: 10,
  carouselCardBody: 160,
  /** Quick-reply buttons per carousel card [S]; the count must match across cards. */
  carouselCardReplies: 2,
  templateName: 512,
  templateButtonIndexMax: 9,
  /** A template `copy_code` button's coupon code. */
  couponCode: 15,
  /**
   * `options.whatsapp.replyTo`, the wamid quoted in `context.message_id`. Meta states no length
   * (its ids are about 60 characters); this bound is ours [chosen].
   */
  replyToId: 512,
  /** Free-form messages within 24 h of the person's last message; templates go outside it. */
  sessionWindowHours: 24,
} as const;

const WA = 'https://developers.facebook.com/documentation/business-messaging/whatsapp';
const SPEC = 'the OpenAPI document in specs/whatsapp';

export const WA_LIMIT_NOTES: LimitNotes<typeof WA_LIMITS> = {
  text: {
    what: 'text message `body`, and text Omnigate writes (numbered choices, receipts)',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6 [S]; ${SPEC} (\`maxLength: 4096\`)`,
  },
  caption: {
    what: 'image, video and document `caption`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6 [S]; ${SPEC}`,
  },
  interactiveBody: {
    what: 'interactive `body.text` (buttons, list, CTA URL, carousel)',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  interactiveHeaderText: {
    what: 'interactive text `header`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  interactiveFooter: {
    what: 'interactive `footer.text`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  replyButtons: {
    what: 'reply buttons (more replies become a list)',
    unit: 'items',
    where: ['render', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  replyButtonTitle: {
    what: 'reply button `title`, carousel card button title',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  replyButtonId: {
    what: 'reply button `id`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `${WA}/messages/interactive-reply-buttons-messages; providers.md §6`,
  },
  listButton: {
    what: 'list `action.button`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listSections: {
    what: 'list `sections`',
    unit: 'items',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listRowsTotal: {
    what: 'rows of all list sections together (more replies become numbered text)',
    unit: 'items',
    where: ['check', 'render', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listSectionTitle: {
    what: 'list section `title`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listRowId: {
    what: 'list row `id`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listRowTitle: {
    what: 'list row `title`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  listRowDescription: {
    what: 'list row `description`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: `providers.md §6; ${SPEC}`,
  },
  ctaDisplayText: {
    what: 'CTA URL `display_text`',
    unit: 'code points',
    where: ['check', 'emulator'],
    source: 'providers.md §6 [S]',
  },
  carouselMinCards: {
    what: 'media carousel `cards` (one card goes as an interactive message)',
    unit: 'items',
    bound: 'min',
    where: ['render'],
    source: `${WA}/messages/interactive-media-carousel-messages; providers.md §6`,
  },
  carouselMaxCards: {
    what: 'media carousel `cards` (more go as numbered text)',
    unit: 'items',
    where: ['render'],
    source: `${WA}/messages/interactive-media-carousel-messages; providers.md §6`,
  },
  carouselCardBody: {
    what: 'media carousel card `body.text`',
    unit: 'code points',
    where: ['check'],
    source: `${WA}/messages/interactive-media-carousel-messages; providers.md §6`,
  },
  carouselCardReplies: {
    what: 'quick reply buttons per media carousel card (others go as numbered text)',
    unit: 'items',
    where: ['render'],
    source: `${WA}/templates/marketing-templates/media-card-carousel-templates; providers.md §6 [S]`,
  },
  templateName: {
    what: 'template `name`',
    unit: 'code points',
    where: ['check'],
    source:
      'https://docs.360dialog.com/docs/waba-basics/authentication-messages/copy-code-authentication-templates ("limited to 512 characters", quoting Meta) [S]',
  },
  templateButtonIndexMax: {
    what: 'template button `index` (0 to 9); held by the canonical message schema',
    unit: 'index',
    where: ['schema'],
    source:
      "[chosen] the canonical template schema's 0 to 9, as a WhatsApp template has at most 10 buttons [U]",
  },
  couponCode: {
    what: 'template `copy_code` button coupon code',
    unit: 'code points',
    where: ['check'],
    source: `${WA}/templates/marketing-templates/coupon-templates; "Codes are limited to 15 characters" as https://docs.gupshup.io/docs/copy-code quotes Meta [S]`,
  },
  replyToId: {
    what: '`context.message_id` (`options.whatsapp.replyTo`)',
    unit: 'code points',
    where: ['check'],
    source: '[chosen] Meta states no length; wamids are about 60 characters',
  },
  sessionWindowHours: {
    what: 'free-form messages after the person last wrote (templates go outside it)',
    unit: 'hours',
    where: ['check'],
    source: 'providers.md §6 (free-form messages only within the 24 h customer-service window, else 131047)',
  },
};

export const GRAPH_VERSION = 'v23.0';

/** A wa_id / phone number in international format without `+`: country code first, 7..15 digits. */
export const WA_ID = /^[1-9][0-9]{6,14}$/;

/** Template names are lowercase letters, digits and underscores. */
export const TEMPLATE_NAME = /^[a-z0-9_]+$/;

/** Cuts at a code point boundary, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (codePointLength(text) <= max) return text;
  return `${Array.from(text)
    .slice(0, max - 1)
    .join('')}…`;
}
