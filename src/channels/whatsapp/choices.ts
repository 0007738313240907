/**
 * Which WhatsApp form a set of canonical actions takes. WhatsApp has three tappable forms: reply
 * buttons (1..3, postback only), a list (up to 10 rows, postback only) and one CTA URL button.
 * Anything else (call buttons, typed-text actions, a URL beside replies, more than 10 choices) is
 * shown as numbered text whose numbers map back to the choices.
 */
import type { Action, MessageOf } from '../../core/vocabulary/message.ts';
import { WA_LIMITS as L } from './limits.ts';

export type ActionsForm = 'reply_buttons' | 'list' | 'cta_url' | 'numbered';

export function actionsForm(actions: readonly Action[]): ActionsForm {
  if (actions.length === 1 && actions[0]?.type === 'url') return 'cta_url';
  if (!actions.every((a) => a.type === 'reply')) return 'numbered';
  if (actions.length <= L.replyButtons) return 'reply_buttons';
  if (actions.length <= L.listRowsTotal) return 'list';
  return 'numbered';
}

/** Rule names recorded when a form is not the one the caller may have expected. */
export const FORM_RULES = {
  list: 'whatsapp_list_for_many_replies',
  numbered: 'whatsapp_numbered_choices',
} as const;

export type CarouselForm = 'cta_url_cards' | 'quick_reply_cards' | 'single_card' | 'numbered';

/**
 * A media carousel needs 2..10 cards, each with an image header and either one URL button or the
 * same number (1..2) of quick replies on every card; a lone card is an ordinary interactive message.
 */
export function carouselForm(m: MessageOf<'carousel'>): CarouselForm {
  const cards = m.cards;
  if (cards.length === 1) return 'single_card';
  if (cards.length > L.carouselMaxCards || !cards.every((c) => c.imageUrl !== undefined)) return 'numbered';
  if (cards.every((c) => c.actions?.length === 1 && c.actions[0]?.type === 'url')) return 'cta_url_cards';
  const n = cards[0]?.actions?.length ?? 0;
  const uniformReplies = cards.every(
    (c) => c.actions?.length === n && c.actions.every((a) => a.type === 'reply'),
  );
  if (uniformReplies && n >= 1 && n <= L.carouselCardReplies) return 'quick_reply_cards';
  return 'numbered';
}

/** What a carousel card shows as text: its title in WhatsApp bold, then its text. */
export function cardBody(card: {
  title?: string | undefined;
  text?: string | undefined;
}): string | undefined {
  const parts = [card.title !== undefined ? `*${card.title}*` : undefined, card.text].filter(
    (p): p is string => p !== undefined,
  );
  return parts.length > 0 ? parts.join('\n') : undefined;
}
