/**
 * Flex Messages: the only LINE form that shows colours (carousel badges and button colours), and
 * the closest LINE gets to a receipt, which it does not have. Past LINE's size limits a carousel is
 * split over several carousels and a receipt over several bubbles (or, past five, sent as text),
 * all recorded; what fits no way LINE takes is refused by `check` with the plan's refusal.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { Action, MessageOf } from '../../core/vocabulary/message.ts';
import { receiptTotals } from '../kit/plain-text.ts';
import { chunkText, type Planned, splitIntoBubbles, splitIntoCarousels } from './flex-fit.ts';
import { flexJsonBytes, LINE_LIMITS as L } from './limits.ts';
import { altText, type LineObject, textMessage, toLineAction } from './render-actions.ts';
import { carouselAltText } from './render-template.ts';

type Card = MessageOf<'carousel'>['cards'][number];

export const MUTED = '#888888';
/** LINE's brand green: the badge colour when the caller gives none. */
const DEFAULT_BADGE = '#06C755';

export const text = (value: string, style: LineObject = {}): LineObject => ({
  type: 'text',
  text: value,
  wrap: true,
  ...style,
});
export const box = (
  layout: 'vertical' | 'horizontal',
  contents: LineObject[],
  style: LineObject = {},
): LineObject => ({
  type: 'box',
  layout,
  contents,
  ...style,
});

export const SEPARATOR: LineObject = { type: 'separator', margin: 'md' };

/** One Flex carousel; several, in one request, when the cards pass LINE's 50 KB per carousel. */
export function planFlexCarousel(m: MessageOf<'carousel'>): Planned {
  const ratio = m.imageAspectRatio === 'square' ? '1:1' : '151:100';
  const bubbles = m.cards.map((c) => cardBubble(c, ratio));
  for (const [i, bubble] of bubbles.entries()) {
    const bytes = flexJsonBytes(bubble);
    if (bytes > L.flexBubbleBytes) {
      // A card is one bubble: there is nothing to split, and text would lose its buttons and colours.
      return {
        refusal: {
          pointer: `/message/cards/${i}`,
          rule: 'maxBytes',
          detail: `LINE allows at most ${L.flexBubbleBytes} bytes of JSON per Flex bubble; this card renders to ${bytes}`,
        },
      };
    }
  }
  const total = flexJsonBytes({ type: 'carousel', contents: bubbles });
  const carousels = splitIntoCarousels(bubbles) ?? [];
  if (carousels.length > L.messagesPerRequest) {
    return {
      refusal: {
        pointer: '/message/cards',
        rule: 'line_message_count',
        detail: `LINE allows ${L.flexCarouselBytes} bytes of JSON per Flex carousel and ${L.messagesPerRequest} messages per request; these cards render to ${total} bytes, ${carousels.length} carousels`,
      },
    };
  }
  const degradations: Degradation[] =
    carousels.length > 1
      ? [
          {
            pointer: '/message/cards',
            from: 'one Flex carousel',
            to: `${carousels.length} Flex carousels in one request: LINE allows ${L.flexCarouselBytes} bytes of JSON per carousel and these cards render to ${total}`,
            rule: 'line_flex_size',
          },
        ]
      : [];
  const alt = carouselAltText(m);
  return { messages: carousels.map((contents) => ({ type: 'flex', altText: alt, contents })), degradations };
}

function cardBubble(card: Card, aspectRatio: string): LineObject {
  const body: LineObject[] = [];
  if (card.badge) {
    const badge = box('vertical', [text(card.badge.text, { size: 'xs', color: '#FFFFFF', weight: 'bold' })], {
      backgroundColor: card.badge.color ?? DEFAULT_BADGE,
      cornerRadius: 'sm',
      paddingAll: 'xs',
      flex: 0,
    });
    // A filler keeps the badge as wide as its text instead of the whole bubble.
    body.push(box('horizontal', [badge, { type: 'filler' }]));
  }
  if (card.title !== undefined) body.push(text(card.title, { weight: 'bold', size: 'lg' }));
  if (card.text !== undefined) body.push(text(card.text, { size: 'sm', color: MUTED }));
  return {
    type: 'bubble',
    ...(card.imageUrl !== undefined
      ? { hero: { type: 'image', url: card.imageUrl, size: 'full', aspectRatio, aspectMode: 'cover' } }
      : {}),
    ...(body.length > 0 ? { body: box('vertical', body, { spacing: 'sm' }) } : {}),
    ...(card.actions !== undefined
      ? {
          footer: box(
            'vertical',
            card.actions.map((a) => button(a, card.buttonColor)),
            { spacing: 'sm' },
          ),
        }
      : {}),
    ...(card.defaultAction !== undefined ? { action: toLineAction(card.defaultAction) } : {}),
  };
}

function button(action: Action, color: string | undefined): LineObject {
  return {
    type: 'button',
    action: toLineAction(action),
    height: 'sm',
    ...(color !== undefined ? { style: 'primary', color } : { style: 'link' }),
  };
}

/**
 * A receipt as a Flex bubble; its items spread over several bubbles past LINE's 30 KB, and the
 * whole as text when even five bubbles cannot hold it.
 */
export function planReceipt(m: MessageOf<'receipt'>): Planned {
  const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency });
  const line = (label: string, amount: number, strong = false): LineObject =>
    box('horizontal', [
      text(label, { size: 'sm', ...(strong ? { weight: 'bold' } : { color: MUTED }) }),
      text(money.format(amount), { size: 'sm', align: 'end', weight: strong ? 'bold' : 'regular' }),
    ]);
  const items = m.elements.map((e) => {
    const name = [text(e.title, { size: 'sm' })];
    if (e.subtitle !== undefined) name.push(text(e.subtitle, { size: 'xs', color: MUTED }));
    const qty = e.quantity !== undefined ? `${e.quantity} × ` : '';
    return [
      box(
        'horizontal',
        [
          ...(e.imageUrl !== undefined ? [{ type: 'image', url: e.imageUrl, size: 'xxs', flex: 0 }] : []),
          box('vertical', name, { flex: 3 }),
          text(`${qty}${money.format(e.price)}`, { size: 'sm', align: 'end', flex: 2 }),
        ],
        { spacing: 'sm' },
      ),
    ];
  });
  const s = m.summary;
  const totals = [
    ...(s.subtotal !== undefined ? [line('Subtotal', s.subtotal)] : []),
    ...(s.shippingCost !== undefined ? [line('Shipping', s.shippingCost)] : []),
    ...(s.totalTax !== undefined ? [line('Tax', s.totalTax)] : []),
    line('Total', s.totalCost, true),
  ];
  const heading = text('RECEIPT', { size: 'xs', weight: 'bold', color: DEFAULT_BADGE });
  const order = text(`Order ${m.orderNumber}`, { size: 'xs', color: MUTED });
  const bubble = (rows: LineObject[], part: { first: boolean; last: boolean }): LineObject => ({
    type: 'bubble',
    body: box(
      'vertical',
      [
        heading,
        ...(part.first ? [text(m.recipientName, { size: 'lg', weight: 'bold' })] : []),
        order,
        SEPARATOR,
        ...rows,
        ...(part.last
          ? [
              SEPARATOR,
              ...totals,
              text(`Paid with ${m.paymentMethod}`, { size: 'xs', color: MUTED, margin: 'md' }),
            ]
          : []),
      ],
      { spacing: 'sm' },
    ),
  });
  const alt = altText(`Receipt ${m.orderNumber}`, `total ${money.format(s.totalCost)}`);
  const asFlex: Degradation = {
    pointer: '/message',
    from: 'receipt',
    to: 'flex bubble',
    rule: 'line_no_receipt',
  };
  const bubbles = splitIntoBubbles(items, bubble);
  if (bubbles !== undefined && bubbles.length <= L.messagesPerRequest) {
    const degradations = [asFlex];
    if (bubbles.length > 1) degradations.push(splitRecord('/message/elements', 'items', bubbles.length));
    return { messages: bubbles.map((contents) => ({ type: 'flex', altText: alt, contents })), degradations };
  }
  const chunks = chunkText(receiptText(m, money));
  const needs = bubbles === undefined ? 'an item that alone passes' : `${bubbles.length} bubbles of`;
  if (chunks.length <= L.messagesPerRequest) {
    return {
      messages: chunks.map(textMessage),
      degradations: [
        {
          pointer: '/message',
          from: 'receipt',
          to: `${chunks.length} text message(s): as Flex it needs ${needs} ${L.flexBubbleBytes} bytes, more than one request carries`,
          rule: 'line_flex_size',
        },
      ],
    };
  }
  return {
    refusal: {
      pointer: '/message/elements',
      rule: 'line_message_count',
      detail: `LINE carries at most ${L.messagesPerRequest} messages per request; this receipt needs ${needs} ${L.flexBubbleBytes} bytes of JSON as Flex, or ${chunks.length} text messages of at most ${L.text} characters`,
    },
  };
}

/** The degradation of content spread over several Flex bubbles. */
export function splitRecord(pointer: string, what: string, bubbles: number): Degradation {
  return {
    pointer,
    from: 'one Flex bubble',
    to: `${bubbles} Flex messages in one request, the ${what} spread over them: LINE allows ${L.flexBubbleBytes} bytes of JSON per bubble`,
    rule: 'line_flex_size',
  };
}

function receiptText(m: MessageOf<'receipt'>, money: Intl.NumberFormat): string {
  const items = m.elements.map((e) => {
    const qty = e.quantity !== undefined ? `${e.quantity} × ` : '';
    const subtitle = e.subtitle !== undefined ? `\n  ${e.subtitle}` : '';
    return `${e.title}: ${qty}${money.format(e.price)}${subtitle}`;
  });
  const totals = [...receiptTotals(m.summary, money), `Paid with ${m.paymentMethod}`];
  return [`RECEIPT ${m.recipientName}\nOrder ${m.orderNumber}`, items.join('\n'), totals.join('\n')].join(
    '\n\n',
  );
}
