import type { MessageOf } from '../../core/vocabulary/message.ts';

/**
 * The template carousel cannot show colours, so a carousel whose cards carry a badge or a button
 * colour is rendered as a Flex carousel instead. `check` and `render` both ask here, so the limits
 * checked are always those of the form that will be sent.
 */
export function carouselMode(message: MessageOf<'carousel'>): 'template' | 'flex' {
  return message.cards.some((c) => c.badge !== undefined || c.buttonColor !== undefined)
    ? 'flex'
    : 'template';
}
