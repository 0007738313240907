/**
 * Flex Messages: the only LINE form that shows colours (carousel badges and button colours), and
 * the closest LINE gets to a list picker or a receipt, which it does not have.
 */
import type { Action, MessageOf } from '../../core/message.ts';
import { graphemeLength } from '../../lib/text.ts';
import { LINE_LIMITS } from './limits.ts';
import { altText, type LineObject, toLineAction } from './render-actions.ts';
import type { Rendered } from './render-basic.ts';
import { carouselAltText } from './render-template.ts';

type Card = MessageOf<'carousel'>['cards'][number];

const MUTED = '#888888';
/** LINE's brand green: the badge colour when the caller gives none. */
const DEFAULT_BADGE = '#06C755';

const text = (value: string, style: LineObject = {}): LineObject => ({
  type: 'text',
  text: value,
  wrap: true,
  ...style,
});
const box = (
  layout: 'vertical' | 'horizontal',
  contents: LineObject[],
  style: LineObject = {},
): LineObject => ({
  type: 'box',
  layout,
  contents,
  ...style,
});

export function renderFlexCarousel(m: MessageOf<'carousel'>): Rendered {
  const ratio = m.imageAspectRatio === 'square' ? '1:1' : '151:100';
  const contents = { type: 'carousel', contents: m.cards.map((c) => cardBubble(c, ratio)) };
  return { messages: [{ type: 'flex', altText: carouselAltText(m), contents }], degradations: [] };
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

/** LINE has no list picker; the rows become tappable boxes that post back the row id. */
export function renderList(m: MessageOf<'list'>): Rendered {
  const body: LineObject[] = [text(m.text)];
  for (const section of m.sections) {
    body.push({ type: 'separator', margin: 'md' });
    if (section.title !== undefined)
      body.push(text(section.title, { weight: 'bold', size: 'sm', color: MUTED }));
    for (const row of section.rows) {
      const lines = [text(row.title, { weight: 'bold' })];
      if (row.description !== undefined) lines.push(text(row.description, { size: 'xs', color: MUTED }));
      const action: LineObject = { type: 'postback', data: row.id };
      if (graphemeLength(row.title) <= LINE_LIMITS.actionText) action['displayText'] = row.title;
      body.push(box('vertical', lines, { action, paddingAll: 'sm' }));
    }
  }
  const bubble = {
    type: 'bubble',
    ...(m.header !== undefined
      ? { header: box('vertical', [text(m.header, { weight: 'bold', size: 'lg' })]) }
      : {}),
    body: box('vertical', body, { spacing: 'sm' }),
    ...(m.footer !== undefined
      ? { footer: box('vertical', [text(m.footer, { size: 'xs', color: MUTED })]) }
      : {}),
  };
  return {
    messages: [{ type: 'flex', altText: altText(m.header, m.text), contents: bubble }],
    degradations: [
      { pointer: '/message', from: 'list', to: 'flex bubble with tappable rows', rule: 'line_no_list' },
      {
        pointer: '/message/buttonText',
        from: 'list button',
        to: 'omitted: the rows are shown in the message itself',
        rule: 'line_no_list',
      },
    ],
  };
}

export function renderReceipt(m: MessageOf<'receipt'>): Rendered {
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
    return box(
      'horizontal',
      [
        ...(e.imageUrl !== undefined ? [{ type: 'image', url: e.imageUrl, size: 'xxs', flex: 0 }] : []),
        box('vertical', name, { flex: 3 }),
        text(`${qty}${money.format(e.price)}`, { size: 'sm', align: 'end', flex: 2 }),
      ],
      { spacing: 'sm' },
    );
  });
  const s = m.summary;
  const totals = [
    ...(s.subtotal !== undefined ? [line('Subtotal', s.subtotal)] : []),
    ...(s.shippingCost !== undefined ? [line('Shipping', s.shippingCost)] : []),
    ...(s.totalTax !== undefined ? [line('Tax', s.totalTax)] : []),
    line('Total', s.totalCost, true),
  ];
  const body = box(
    'vertical',
    [
      text('RECEIPT', { size: 'xs', weight: 'bold', color: DEFAULT_BADGE }),
      text(m.recipientName, { size: 'lg', weight: 'bold' }),
      text(`Order ${m.orderNumber}`, { size: 'xs', color: MUTED }),
      { type: 'separator', margin: 'md' },
      ...items,
      { type: 'separator', margin: 'md' },
      ...totals,
      text(`Paid with ${m.paymentMethod}`, { size: 'xs', color: MUTED, margin: 'md' }),
    ],
    { spacing: 'sm' },
  );
  return {
    messages: [
      {
        type: 'flex',
        altText: altText(`Receipt ${m.orderNumber}`, `total ${money.format(s.totalCost)}`),
        contents: { type: 'bubble', body },
      },
    ],
    degradations: [{ pointer: '/message', from: 'receipt', to: 'flex bubble', rule: 'line_no_receipt' }],
  };
}
