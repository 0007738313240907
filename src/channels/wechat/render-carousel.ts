/**
 * Carousels. WeChat's `news` now carries one article (title, description, url, picurl) and has no
 * buttons, so a single card with a link and no reply actions is a news article; anything else is
 * one text with a paragraph per card (title, text, <a href> links) and every reply action as a
 * numbered choice the person answers by typing its number.
 */

import type { Degradation, NumberedChoice } from '../../core/vocabulary/channel.ts';
import type { Action, MessageOf } from '../../core/vocabulary/message.ts';
import { paragraphs } from '../kit/plain-text.ts';
import type { WechatContent } from './content.ts';
import { link } from './render-menu.ts';

type Card = MessageOf<'carousel'>['cards'][number];

const cardActions = (card: Card): Action[] => [
  ...(card.defaultAction !== undefined ? [card.defaultAction] : []),
  ...(card.actions ?? []),
];

/** The link a news article opens: the default action's, else the first url action's. */
export function cardLink(card: Card): string | undefined {
  return cardActions(card).find((a): a is Extract<Action, { type: 'url' }> => a.type === 'url')?.url;
}

const answerable = (a: Action) => a.type === 'reply' || a.type === 'message';

export function fitsNews(message: MessageOf<'carousel'>): boolean {
  const card = message.cards[0];
  return (
    message.cards.length === 1 &&
    card !== undefined &&
    cardLink(card) !== undefined &&
    (card.title !== undefined || card.text !== undefined) &&
    !cardActions(card).some(answerable)
  );
}

export function renderCarousel(message: MessageOf<'carousel'>): WechatContent {
  const dropped = droppedStyle(message);
  const card = message.cards[0];
  const url = card !== undefined ? cardLink(card) : undefined;
  if (fitsNews(message) && card !== undefined && url !== undefined) {
    const extraLinks = cardActions(card).filter((a) => a.type === 'url').length - 1;
    return {
      msgtype: 'news',
      payload: {
        articles: [
          {
            title: card.title ?? card.text ?? '',
            ...(card.title !== undefined && card.text !== undefined ? { description: card.text } : {}),
            url,
            ...(card.imageUrl !== undefined ? { picurl: card.imageUrl } : {}),
          },
        ],
      },
      degradations: [
        {
          pointer: '/message/cards/0',
          from: 'carousel card',
          to:
            extraLinks > 0 || cardActions(card).some((a) => a.type !== 'url')
              ? 'news article opening the first link (other actions dropped)'
              : 'news article',
          rule: 'wechat_carousel_as_news',
        },
        ...dropped,
      ],
    };
  }
  const choices: NumberedChoice[] = [];
  const blocks = message.cards.map((c) => {
    const lines: string[] = [];
    if (c.imageUrl !== undefined) lines.push(link(c.imageUrl, 'Image'));
    for (const a of cardActions(c)) {
      if (a.type === 'url') lines.push(link(a.url, a.title));
      else if (a.type === 'call') lines.push(`${a.title}: ${a.phoneNumber}`);
      else if (a.type === 'reply' || a.type === 'message') {
        const number = choices.length + 1;
        choices.push({ number, title: a.title, payload: a.type === 'reply' ? a.payload : a.text });
        lines.push(`${number}. ${a.title}`);
      }
    }
    const title = c.title !== undefined && c.badge !== undefined ? `${c.title} [${c.badge.text}]` : c.title;
    return paragraphs(title, c.text, lines.join('\n'));
  });
  const hint = choices.length > 0 ? 'Reply with a number to choose.' : undefined;
  return {
    msgtype: 'text',
    payload: { content: paragraphs(...blocks, hint) },
    degradations: [
      {
        pointer: '/message/cards',
        from: 'carousel',
        to: 'text: a paragraph per card with <a href> links, reply actions as numbered choices',
        rule: 'wechat_carousel_as_text',
      },
      ...dropped,
    ],
    choices,
  };
}

function droppedStyle(message: MessageOf<'carousel'>): Degradation[] {
  const out: Degradation[] = [];
  if (message.imageAspectRatio !== undefined) {
    out.push({
      pointer: '/message/imageAspectRatio',
      from: 'imageAspectRatio',
      to: 'dropped',
      rule: 'wechat_no_card_style',
    });
  }
  message.cards.forEach((c, i) => {
    if (c.buttonColor !== undefined) {
      out.push({
        pointer: `/message/cards/${i}/buttonColor`,
        from: 'buttonColor',
        to: 'dropped',
        rule: 'wechat_no_card_style',
      });
    }
  });
  return out;
}
