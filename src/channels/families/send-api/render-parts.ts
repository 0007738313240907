/**
 * The pieces of a Send API message that Messenger and Instagram share: buttons, quick replies,
 * attachments, generic-template elements, the receipt template, and the text forms of a location
 * and a list (a receipt as text is the kit's). Every change from the canonical message is recorded
 * as a Degradation whose rule is prefixed with the flavour's name.
 */

import type { Degradation, NumberedChoice } from '../../../core/vocabulary/channel.ts';
import type { Action, MessageOf } from '../../../core/vocabulary/message.ts';
import { codePointLength } from '../../../lib/text.ts';
import { paragraphs } from '../../kit/plain-text.ts';
import type { SendApiFlavor } from './flavor.ts';
import { SEND_API_LIMITS } from './limits.ts';

export type SendApiButton =
  | { type: 'postback'; title: string; payload: string }
  | { type: 'web_url'; title: string; url: string }
  | { type: 'phone_number'; title: string; payload: string };

export type QuickReply = { content_type: 'text'; title: string; payload: string };

type Json = Record<string, unknown>;

/**
 * One canonical action as a template button, or a text line when the flavour has no such button,
 * or nothing (a location request: the Send API has no way to ask for a location any more).
 */
export function button(
  f: SendApiFlavor,
  action: Action,
  pointer: string,
  d: Degradation[],
): { button: SendApiButton } | { line: string } | undefined {
  switch (action.type) {
    case 'reply':
      return { button: { type: 'postback', title: action.title, payload: action.payload } };
    case 'url':
      return { button: { type: 'web_url', title: action.title, url: action.url } };
    case 'call':
      if (f.callButton)
        return { button: { type: 'phone_number', title: action.title, payload: action.phoneNumber } };
      d.push({
        pointer,
        from: 'call button',
        to: 'text line "title: number"',
        rule: `${f.name}_no_call_button`,
      });
      return { line: `${action.title}: ${action.phoneNumber}` };
    case 'message':
      d.push({
        pointer,
        from: 'message action',
        to: 'postback button whose payload is the text (it comes back as a postback, not as a message)',
        rule: `${f.name}_message_as_postback`,
      });
      return { button: { type: 'postback', title: action.title, payload: action.text } };
    case 'location_request':
      d.push({
        pointer,
        from: 'location request',
        to: `dropped: ${f.displayName} has no button or quick reply that asks for a location`,
        rule: `${f.name}_no_location_request`,
      });
      return undefined;
  }
}

/** Quick replies: text ones carry a payload; url and call replies become text lines. */
export function quickReplies(
  f: SendApiFlavor,
  replies: Action[],
  pointer: string,
  d: Degradation[],
): { replies: QuickReply[]; lines: string[] } {
  const out: QuickReply[] = [];
  const lines: string[] = [];
  replies.forEach((reply, i) => {
    const p = `${pointer}/${i}`;
    switch (reply.type) {
      case 'reply':
        out.push({ content_type: 'text', title: reply.title, payload: reply.payload });
        break;
      case 'message':
        d.push({
          pointer: p,
          from: 'message reply',
          to: 'text quick reply whose payload is the text to send (the tap sends the title)',
          rule: `${f.name}_message_as_quick_reply`,
        });
        out.push({ content_type: 'text', title: reply.title, payload: reply.text });
        break;
      case 'location_request':
        d.push({
          pointer: p,
          from: 'location request',
          to: `dropped: ${f.displayName} retired the location quick reply`,
          rule: `${f.name}_no_location_request`,
        });
        break;
      case 'url':
        lines.push(`${reply.title}: ${reply.url}`);
        d.push({
          pointer: p,
          from: 'url reply',
          to: 'text line "title: url"',
          rule: `${f.name}_no_url_quick_reply`,
        });
        break;
      case 'call':
        lines.push(`${reply.title}: ${reply.phoneNumber}`);
        d.push({
          pointer: p,
          from: 'call reply',
          to: 'text line "title: number"',
          rule: `${f.name}_no_call_quick_reply`,
        });
        break;
    }
  });
  return { replies: out, lines };
}

export function attachment(f: SendApiFlavor, message: MessageOf<'media'>, d: Degradation[]): Json {
  const payload: Json =
    message.mediaId !== undefined
      ? { attachment_id: message.mediaId }
      : { url: message.url ?? '', ...(f.reusableAttachments ? { is_reusable: true } : {}) };
  const dropped: Array<[keyof typeof message, string, string]> = [
    ['caption', 'caption', 'an attachment has no caption; send the text as its own message'],
    ['previewUrl', 'preview URL', `${f.displayName} makes its own previews`],
    ['fileName', 'file name', 'a file sent by URL is named after the URL'],
    ['durationMs', 'duration', `${f.displayName} reads the duration from the file`],
  ];
  for (const [key, what, why] of dropped) {
    if (message[key] !== undefined) {
      d.push({
        pointer: `/message/${key}`,
        from: what,
        to: `dropped: ${why}`,
        rule: `${f.name}_no_${snake(key)}`,
      });
    }
  }
  return { type: message.mediaType, payload };
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function genericTemplate(f: SendApiFlavor, message: MessageOf<'carousel'>, d: Degradation[]): Json {
  const elements = message.cards.map((card, i) => {
    const p = `/message/cards/${i}`;
    const element: Json = { title: card.title ?? card.text ?? String(i + 1) };
    if (card.title !== undefined && card.text !== undefined) element['subtitle'] = card.text;
    if (card.imageUrl !== undefined) element['image_url'] = card.imageUrl;
    if (card.defaultAction !== undefined) {
      if (card.defaultAction.type === 'url') {
        element['default_action'] = { type: 'web_url', url: card.defaultAction.url };
      } else {
        d.push({
          pointer: `${p}/defaultAction`,
          from: `${card.defaultAction.type} default action`,
          to: 'dropped: a card tap can only open a URL',
          rule: `${f.name}_default_action_url_only`,
        });
      }
    }
    const buttons: SendApiButton[] = [];
    const lines: string[] = [];
    (card.actions ?? []).forEach((a, j) => {
      const r = button(f, a, `${p}/actions/${j}`, d);
      if (r === undefined) return;
      if ('button' in r) buttons.push(r.button);
      else lines.push(r.line);
    });
    if (lines.length > 0) {
      element['subtitle'] = [element['subtitle'], ...lines].filter((s) => typeof s === 'string').join('\n');
    }
    if (buttons.length > 0) element['buttons'] = buttons;
    if (card.badge !== undefined) badgeInSubtitle(f, element, card.badge, p, d);
    if (card.buttonColor !== undefined) {
      d.push({
        pointer: `${p}/buttonColor`,
        from: 'button colour',
        to: 'dropped: buttons have no colour',
        rule: `${f.name}_no_button_color`,
      });
    }
    return element;
  });
  const payload: Json = { template_type: 'generic', elements };
  if (message.imageAspectRatio !== undefined) {
    if (f.imageAspectRatio) {
      payload['image_aspect_ratio'] = message.imageAspectRatio === 'square' ? 'square' : 'horizontal';
    } else {
      d.push({
        pointer: '/message/imageAspectRatio',
        from: 'image aspect ratio',
        to: `dropped: ${f.displayName} generic templates have one image shape`,
        rule: `${f.name}_no_image_aspect_ratio`,
      });
    }
  }
  return { type: 'template', payload };
}

/**
 * Cards have no badge, so its words (a "NEW", a "-50%") lead the subtitle, the one line under the
 * title a card shows; its colour cannot follow. When the subtitle has no room left for it within
 * Meta's 80 characters, the badge is dropped rather than the send refused, and the record says so.
 */
function badgeInSubtitle(
  f: SendApiFlavor,
  element: Json,
  badge: { text: string; color?: string },
  p: string,
  d: Degradation[],
): void {
  const subtitle = typeof element['subtitle'] === 'string' ? element['subtitle'] : undefined;
  const withBadge = subtitle === undefined ? badge.text : `${badge.text}\n${subtitle}`;
  if (codePointLength(withBadge) > SEND_API_LIMITS.elementSubtitle) {
    d.push({
      pointer: `${p}/badge`,
      from: 'badge',
      to: `dropped: the card's subtitle has no room left for it (at most ${SEND_API_LIMITS.elementSubtitle} characters)`,
      rule: `${f.name}_no_badge`,
    });
    return;
  }
  element['subtitle'] = withBadge;
  d.push({
    pointer: `${p}/badge`,
    from: 'badge',
    to: `first line of the card's subtitle${badge.color !== undefined ? ' (without its colour)' : ''}`,
    rule: `${f.name}_no_badge`,
  });
}

/**
 * A list as numbered text (the person may type the number back), with one quick reply per row
 * when the rows fit Messenger's 13, each labelled "N. title" cut to 20 characters.
 */
export function numberedList(
  f: SendApiFlavor,
  message: MessageOf<'list'>,
  d: Degradation[],
): { text: string; replies: QuickReply[]; choices: NumberedChoice[] } {
  d.push({
    pointer: '/message/sections',
    from: 'list',
    to: 'numbered rows in the text (a typed number comes back as the row’s postback), with a quick reply per row when there are at most 13',
    rule: `${f.name}_no_list`,
  });
  d.push({
    pointer: '/message/buttonText',
    from: 'list button',
    to: 'paragraph before the numbered rows (the rows are shown directly)',
    rule: `${f.name}_no_list`,
  });
  const choices: NumberedChoice[] = [];
  const blocks = message.sections.map((section) => {
    const rows = section.rows.map((row) => {
      const number = choices.length + 1;
      choices.push({ number, title: row.title, payload: row.id });
      return `${number}. ${row.title}${row.description !== undefined ? ` — ${row.description}` : ''}`;
    });
    return [section.title, ...rows].filter((l): l is string => l !== undefined).join('\n');
  });
  // The button's label names the choice (Konnek calls it the list's title): it introduces the rows.
  const text = paragraphs(
    message.header,
    message.text,
    message.buttonText,
    blocks.join('\n\n'),
    message.footer,
  );
  const replies =
    choices.length <= SEND_API_LIMITS.quickReplies
      ? choices.map((c) => ({
          content_type: 'text' as const,
          title: cut(`${c.number}. ${c.title}`),
          payload: c.payload,
        }))
      : [];
  return { text, replies, choices };
}

/** Cuts a label to the 20 characters a quick-reply title may have. */
function cut(label: string): string {
  const chars = Array.from(label);
  return chars.length <= SEND_API_LIMITS.quickReplyTitle
    ? label
    : `${chars.slice(0, SEND_API_LIMITS.quickReplyTitle - 1).join('')}…`;
}

export function locationText(f: SendApiFlavor, message: MessageOf<'location'>, d: Degradation[]): string {
  d.push({
    pointer: '/message',
    from: 'location',
    to: 'text with the title, address and a map link',
    rule: `${f.name}_no_location`,
  });
  const query = `${message.latitude},${message.longitude}`;
  return paragraphs(
    message.title,
    message.address,
    `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(query)}`,
  );
}

export function receiptTemplate(message: MessageOf<'receipt'>): Json {
  const s = message.summary;
  return {
    type: 'template',
    payload: {
      template_type: 'receipt',
      recipient_name: message.recipientName,
      order_number: message.orderNumber,
      currency: message.currency,
      payment_method: message.paymentMethod,
      summary: {
        ...(s.subtotal !== undefined ? { subtotal: s.subtotal } : {}),
        ...(s.shippingCost !== undefined ? { shipping_cost: s.shippingCost } : {}),
        ...(s.totalTax !== undefined ? { total_tax: s.totalTax } : {}),
        total_cost: s.totalCost,
      },
      elements: message.elements.map((e) => ({
        title: e.title,
        ...(e.subtitle !== undefined ? { subtitle: e.subtitle } : {}),
        ...(e.quantity !== undefined ? { quantity: e.quantity } : {}),
        price: e.price,
        currency: message.currency,
        ...(e.imageUrl !== undefined ? { image_url: e.imageUrl } : {}),
      })),
    },
  };
}
