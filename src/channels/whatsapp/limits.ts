/**
 * WhatsApp's documented limits (../../../../shared/providers.md §6), in one place so the
 * connector's `check` and the emulator's strictness layer cannot disagree. WhatsApp counts
 * characters; we count Unicode code points, which is also what the OpenAPI `maxLength` means.
 */
import { codePointLength } from '../../lib/text.ts';

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
} as const;

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
