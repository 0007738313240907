/**
 * The kinds Telegram has no object for, as what it can show: a carousel as one message of numbered
 * cards with their actions as buttons, a list as an inline keyboard, an imagemap as a photo with a
 * button per area, a receipt as formatted text. Each records what changed.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { MessageOf } from '../../core/vocabulary/message.ts';
import { paragraphs, receiptText } from '../kit/plain-text.ts';
import { escapeFor } from './format.ts';
import type { ParseMode } from './options.ts';
import { type InlineKeyboardButton, inlineAction, inlineKeyboard } from './render-keyboard.ts';

export interface Draft {
  method: string;
  params: Record<string, unknown>;
}

export function renderCarousel(
  message: MessageOf<'carousel'>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  const esc = (s: string) => escapeFor(mode, s);
  const buttons: InlineKeyboardButton[] = [];
  d.push({
    pointer: '/message/cards',
    from: 'carousel',
    to: 'one message of numbered cards (title, text, image link) with each card’s actions as buttons labelled "N. title"',
    rule: 'telegram_no_carousel',
  });
  const blocks = message.cards.map((card, i) => {
    const n = i + 1;
    const p = `/message/cards/${i}`;
    // The whole line is escaped: the number's `.` and the badge's brackets are MarkdownV2 markup too.
    const head = esc(`${n}. ${card.title ?? `Card ${n}`}${card.badge ? ` [${card.badge.text}]` : ''}`);
    const lines = [head];
    if (card.text !== undefined) lines.push(esc(card.text));
    if (card.imageUrl !== undefined) lines.push(esc(card.imageUrl));
    if (card.badge !== undefined) {
      d.push({
        pointer: `${p}/badge`,
        from: 'badge',
        to: 'text after the card title',
        rule: 'telegram_no_badge',
      });
    }
    if (card.buttonColor !== undefined) {
      d.push({
        pointer: `${p}/buttonColor`,
        from: 'button colour',
        to: 'dropped: Telegram buttons have no colour',
        rule: 'telegram_no_button_color',
      });
    }
    const actions: Array<[string, NonNullable<typeof card.defaultAction>]> = [];
    if (card.defaultAction !== undefined) actions.push([`${p}/defaultAction`, card.defaultAction]);
    (card.actions ?? []).forEach((a, j) => {
      actions.push([`${p}/actions/${j}`, a]);
    });
    for (const [pointer, action] of actions) {
      const r = inlineAction(action, pointer, `${n}. ${action.title}`, d);
      if ('button' in r) buttons.push(r.button);
      else lines.push(esc(r.line));
    }
    return lines.join('\n');
  });
  if (message.imageAspectRatio !== undefined) {
    d.push({
      pointer: '/message/imageAspectRatio',
      from: 'image aspect ratio',
      to: 'dropped: images are links',
      rule: 'telegram_no_carousel',
    });
  }
  const params: Record<string, unknown> = { text: blocks.join('\n\n') };
  if (buttons.length > 0) params['reply_markup'] = inlineKeyboard(buttons);
  return { method: 'sendMessage', params };
}

export function renderList(message: MessageOf<'list'>, mode: ParseMode | undefined, d: Degradation[]): Draft {
  const esc = (s: string) => escapeFor(mode, s);
  d.push({
    pointer: '/message/sections',
    from: 'list',
    to: 'section titles and rows in the text, one inline button per row (callback_data = row id)',
    rule: 'telegram_no_list',
  });
  d.push({
    pointer: '/message/buttonText',
    from: 'list button',
    to: 'paragraph before the rows (the rows are shown as buttons directly)',
    rule: 'telegram_no_list',
  });
  if (message.header !== undefined) {
    d.push({ pointer: '/message/header', from: 'header', to: 'first paragraph', rule: 'telegram_no_header' });
  }
  if (message.footer !== undefined) {
    d.push({ pointer: '/message/footer', from: 'footer', to: 'last paragraph', rule: 'telegram_no_footer' });
  }
  const buttons: InlineKeyboardButton[] = [];
  const sections = message.sections.map((s) => {
    const lines = s.title !== undefined ? [esc(s.title)] : [];
    for (const row of s.rows) {
      lines.push(esc(`• ${row.title}${row.description !== undefined ? ` — ${row.description}` : ''}`));
      buttons.push({ text: row.title, callback_data: row.id });
    }
    return lines.join('\n');
  });
  // The button's label names the choice (WhatsApp shows it; Konnek calls it the list's title), so
  // it introduces the rows here rather than being lost.
  const text = paragraphs(
    message.header !== undefined ? esc(message.header) : undefined,
    message.text,
    esc(message.buttonText),
    ...sections,
    message.footer !== undefined ? esc(message.footer) : undefined,
  );
  return { method: 'sendMessage', params: { text, reply_markup: inlineKeyboard(buttons) } };
}

/** The imagemap's 1040-pixel-wide rendition, as LINE names its image set. */
export const IMAGEMAP_WIDTH = 1040;

export function renderImagemap(
  message: MessageOf<'imagemap'>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  d.push({
    pointer: '/message/areas',
    from: 'imagemap',
    to: `photo (baseUrl/${IMAGEMAP_WIDTH}) with the alt text as caption and one inline button per area`,
    rule: 'telegram_no_imagemap',
  });
  const buttons = message.areas.map((area) =>
    area.action.type === 'url'
      ? { text: area.action.title, url: area.action.url }
      : { text: area.action.title, callback_data: area.action.text },
  );
  message.areas.forEach((area, i) => {
    if (area.action.type === 'message') {
      d.push({
        pointer: `/message/areas/${i}/action`,
        from: 'message action',
        to: 'callback button whose data is the text (the tap arrives as a postback)',
        rule: 'telegram_message_as_callback',
      });
    }
  });
  return {
    method: 'sendPhoto',
    params: {
      photo: `${message.baseUrl.replace(/\/+$/, '')}/${IMAGEMAP_WIDTH}`,
      caption: escapeFor(mode, message.altText),
      reply_markup: inlineKeyboard(buttons),
    },
  };
}

export function renderReceipt(
  message: MessageOf<'receipt'>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  d.push({ pointer: '/message', from: 'receipt', to: 'formatted text', rule: 'telegram_no_receipt' });
  const text = receiptText(message, { itemImages: true });
  return { method: 'sendMessage', params: { text: escapeFor(mode, text) } };
}
