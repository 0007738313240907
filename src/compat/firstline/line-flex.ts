/**
 * FIRST LINE carousels on LINE, as LINE Flex carousels sent through the canonical `raw` kind.
 *
 * Why raw: the canonical carousel has no alt text, and its colours are one background per badge
 * and per button; FIRST LINE gives its own alt text and a background, border and text colour for
 * each badge and button, which only a Flex body built here can carry. A plain FIRST LINE carousel
 * goes as Flex too: LINE's template carousel allows 60 characters of text beside an image, and
 * FIRST LINE's own example has 61.
 *
 * The canonical carousel (translate.ts) is still built first: its actions become LINE actions
 * through the LINE connector's own `toLineAction`, and the limits the connector applies to its
 * own Flex carousels are applied here, because `raw` bypasses the connector's checks.
 */

import {
  carouselAltText,
  checkActions,
  LINE_LIMITS,
  LineIssues,
  type LineObject,
  toLineAction,
} from '../../channels/line/public.ts';
import type { FieldIssue, MessageOf } from '../../core/index.ts';
import type { CarouselBody, ImageCarouselBody } from './schema.ts';

type Carousel = MessageOf<'carousel'>;
type Card = Carousel['cards'][number];

const MUTED = '#666666';

export function carouselFlex(body: CarouselBody, canonical: Carousel): LineObject {
  return flex(body.alt_text, canonical, canonical.cards.map(cardBubble));
}

export function imageCarouselFlex(body: ImageCarouselBody, canonical: Carousel): LineObject {
  return flex(
    body.alt_text,
    canonical,
    body.columns.map((column, i) => imageBubble(column, canonical.cards[i] as Card)),
  );
}

function flex(altText: string | null | undefined, canonical: Carousel, bubbles: LineObject[]): LineObject {
  return {
    type: 'flex',
    altText: altText || carouselAltText(canonical),
    contents: { type: 'carousel', contents: bubbles },
  };
}

/** Image on top, title and text, the actions as link buttons: the template carousel's layout. */
function cardBubble(card: Card): LineObject {
  const body: LineObject[] = [];
  if (card.title !== undefined)
    body.push({ type: 'text', text: card.title, weight: 'bold', size: 'lg', wrap: true });
  if (card.text !== undefined)
    body.push({ type: 'text', text: card.text, size: 'sm', color: MUTED, wrap: true });
  return {
    type: 'bubble',
    ...(card.imageUrl !== undefined
      ? {
          hero: {
            type: 'image',
            url: card.imageUrl,
            size: 'full',
            aspectRatio: '20:13',
            aspectMode: 'cover',
          },
        }
      : {}),
    ...(body.length > 0 ? { body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body } } : {}),
    ...(card.actions !== undefined
      ? {
          footer: {
            type: 'box',
            layout: 'vertical',
            spacing: 'sm',
            contents: card.actions.map((a) => ({
              type: 'button',
              style: 'link',
              height: 'sm',
              action: toLineAction(a),
            })),
          },
        }
      : {}),
  };
}

interface Colours {
  background_color?: string | null | undefined;
  border_color?: string | null | undefined;
  color?: string | null | undefined;
}

/** A box in FIRST LINE's three colours; a colour left out keeps LINE's default. */
function coloured(colours: Colours, text: LineObject, style: LineObject): LineObject {
  return {
    type: 'box',
    layout: 'vertical',
    ...style,
    ...(colours.background_color ? { backgroundColor: colours.background_color } : {}),
    ...(colours.border_color ? { borderColor: colours.border_color, borderWidth: 'normal' } : {}),
    contents: [{ ...text, ...(colours.color ? { color: colours.color } : {}) }],
  };
}

/**
 * The square image filling the bubble, the badge over its top corner and the button over its
 * bottom, as FIRST LINE draws an image carousel column. The button is a box rather than a Flex
 * button, since Flex buttons take no border or text colour; it and the whole image carry the
 * column's action (without its label, which only buttons show).
 */
function imageBubble(column: ImageCarouselBody['columns'][number], card: Card): LineObject {
  const tap = card.actions?.[0];
  const lineAction = tap ? withoutLabel(toLineAction(tap)) : undefined;
  const contents: LineObject[] = [
    { type: 'image', url: column.image_url, size: 'full', aspectRatio: '1:1', aspectMode: 'cover' },
  ];
  if (column.badge) {
    contents.push(
      coloured(
        column.badge,
        { type: 'text', text: column.badge.text, size: 'xs', weight: 'bold' },
        {
          position: 'absolute',
          offsetTop: '12px',
          offsetStart: '12px',
          paddingAll: '4px',
          paddingStart: '8px',
          paddingEnd: '8px',
          cornerRadius: 'sm',
        },
      ),
    );
  }
  contents.push(
    coloured(
      column.button,
      { type: 'text', text: column.button.text, size: 'sm', weight: 'bold', align: 'center', wrap: true },
      {
        position: 'absolute',
        offsetBottom: '12px',
        offsetStart: '12px',
        offsetEnd: '12px',
        paddingAll: '8px',
        cornerRadius: 'md',
        ...(lineAction ? { action: lineAction } : {}),
      },
    ),
  );
  return {
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', paddingAll: '0px', contents },
    ...(lineAction ? { action: lineAction } : {}),
  };
}

function withoutLabel(action: LineObject): LineObject {
  const { label: _label, ...rest } = action;
  return rest;
}

/**
 * What the LINE connector checks on its own Flex carousels (bubble count, HTTPS images, action
 * limits), plus the alt text; pointers are the canonical message's, mapped back by the caller.
 */
export function checkFlexCarousel(
  canonical: Carousel,
  altText: string | null | undefined,
  imageColumns: boolean,
): FieldIssue[] {
  const issues = new LineIssues();
  issues.maxItems('/message/cards', canonical.cards, LINE_LIMITS.flexCarouselBubbles, 'columns');
  issues.maxLength('/message/altText', altText ?? undefined, LINE_LIMITS.altText);
  canonical.cards.forEach((card, i) => {
    const at = `/message/cards/${i}`;
    const shown = [card.imageUrl, card.title, card.text, card.actions].some((v) => v !== undefined);
    issues.required(at, shown, 'a column needs an image, a title, a text or actions');
    issues.mediaUrl(`${at}/imageUrl`, card.imageUrl);
    if (!imageColumns) {
      checkActions(issues, `${at}/actions`, card.actions, { quickReply: false });
      return;
    }
    // An image column's action has no label on LINE (withoutLabel), so only its target is checked.
    const tap = card.actions?.[0];
    if (tap?.type === 'url') issues.maxLength(`${at}/actions/0/url`, tap.url, LINE_LIMITS.uriAction);
    if (tap?.type === 'message') {
      issues.maxLength(`${at}/actions/0/text`, tap.text, LINE_LIMITS.actionText, 'graphemes');
    }
  });
  return issues.list;
}
