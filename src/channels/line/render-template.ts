/**
 * Buttons and colourless carousels as LINE template messages. The buttons template has no footer
 * and only one heading, so what has no slot is folded into the body text when it fits the limit
 * and otherwise sent as its own text message in the same request; either way it is recorded.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { MessageOf } from '../../core/vocabulary/message.ts';
import { graphemeLength } from '../../lib/text.ts';
import { LINE_LIMITS } from './limits.ts';
import { altText, type LineObject, textMessage, toLineAction } from './render-actions.ts';
import type { Rendered } from './render-basic.ts';

export function renderButtons(m: MessageOf<'buttons'>): Rendered {
  const degradations: Degradation[] = [];
  const before: LineObject[] = [];
  const after: LineObject[] = [];
  const title = m.title ?? m.header?.text;
  const image = m.header?.imageUrl;
  const limit =
    title !== undefined || image !== undefined ? LINE_LIMITS.buttonsTextShort : LINE_LIMITS.buttonsText;
  let text = m.text;

  const headerText = m.title !== undefined ? m.header?.text : undefined;
  if (headerText !== undefined) {
    const merged = `${headerText}\n${text}`;
    const fits = graphemeLength(merged) <= limit;
    if (fits) text = merged;
    else before.push(textMessage(headerText));
    degradations.push({
      pointer: '/message/header/text',
      from: 'header text',
      to: fits ? 'first line of the buttons text' : 'text message before the buttons',
      rule: 'line_buttons_single_heading',
    });
  }
  if (m.footer !== undefined) {
    const merged = `${text}\n${m.footer}`;
    const fits = graphemeLength(merged) <= limit;
    if (fits) text = merged;
    else after.push(textMessage(m.footer));
    degradations.push({
      pointer: '/message/footer',
      from: 'footer',
      to: fits ? 'last line of the buttons text' : 'text message after the buttons',
      rule: 'line_no_template_footer',
    });
  }

  const template = {
    type: 'buttons',
    ...(image !== undefined ? { thumbnailImageUrl: image } : {}),
    ...(title !== undefined ? { title } : {}),
    text,
    actions: m.actions.map(toLineAction),
  };
  const message = { type: 'template', altText: altText(title, m.text), template };
  return { messages: [...before, message, ...after], degradations };
}

export function renderTemplateCarousel(m: MessageOf<'carousel'>): Rendered {
  const columns = m.cards.map((c) => ({
    ...(c.imageUrl !== undefined ? { thumbnailImageUrl: c.imageUrl } : {}),
    ...(c.title !== undefined ? { title: c.title } : {}),
    ...(c.text !== undefined ? { text: c.text } : {}),
    ...(c.defaultAction !== undefined ? { defaultAction: toLineAction(c.defaultAction) } : {}),
    actions: (c.actions ?? []).map(toLineAction),
  }));
  const template = {
    type: 'carousel',
    columns,
    ...(m.imageAspectRatio !== undefined ? { imageAspectRatio: m.imageAspectRatio } : {}),
  };
  return { messages: [{ type: 'template', altText: carouselAltText(m), template }], degradations: [] };
}

export function carouselAltText(m: MessageOf<'carousel'>): string {
  const names = m.cards.map((c) => c.title ?? c.text ?? c.badge?.text).filter((n) => n !== undefined);
  return altText(names.join(' · '));
}
