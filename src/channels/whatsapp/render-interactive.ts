/**
 * Buttons, quick replies, lists and carousels as WhatsApp interactive messages (reply buttons,
 * list, CTA URL, media carousel), or as numbered text when no interactive form fits (choices.ts).
 */

import type { Degradation, NumberedChoice } from '../../core/vocabulary/channel.ts';
import type { Action, MessageOf } from '../../core/vocabulary/message.ts';
import type { Obj } from '../../lib/json.ts';
import { actionsForm, cardBody, carouselForm, FORM_RULES } from './choices.ts';
import { WA_LIMITS as L, truncate } from './limits.ts';

/** One WhatsApp message body part: `type` and the object under that key. */
export interface Part {
  type: 'text' | 'interactive' | 'image';
  payload: Obj;
  degradations: Degradation[];
  choices?: NumberedChoice[];
}

/** What a tappable message shows, before it is given a WhatsApp form. */
export interface ChoiceContent {
  /** Pointer of the canonical message part the actions come from, e.g. `/message/actions`. */
  actionsPointer: string;
  body: string;
  headerText?: string | undefined;
  headerImage?: string | undefined;
  footer?: string | undefined;
  actions: readonly Action[];
}

/** The label of the button that opens a list made from more than three replies. */
export const LIST_BUTTON_LABEL = 'Choose';

export function renderChoices(c: ChoiceContent): Part {
  const form = actionsForm(c.actions);
  const degradations: Degradation[] = [];
  if (form === 'numbered') return numberedText(c, degradations);
  const header =
    c.headerImage !== undefined && form !== 'list'
      ? { type: 'image', image: { link: c.headerImage } }
      : c.headerText !== undefined
        ? { type: 'text', text: c.headerText }
        : undefined;
  if (form === 'list' && c.headerImage !== undefined) {
    degradations.push({
      pointer: c.actionsPointer.replace(/\/actions$|\/replies$/, '/header/imageUrl'),
      from: 'header image',
      to: 'left out (a WhatsApp list header is text only)',
      rule: 'whatsapp_list_text_header',
    });
  }
  const common: Obj = {
    ...(header !== undefined ? { header } : {}),
    body: { text: c.body },
    ...(c.footer !== undefined ? { footer: { text: c.footer } } : {}),
  };
  if (form === 'cta_url') {
    const a = c.actions[0];
    const url = a?.type === 'url' ? a.url : '';
    return {
      type: 'interactive',
      payload: {
        type: 'cta_url',
        ...common,
        action: { name: 'cta_url', parameters: { display_text: a?.title ?? '', url } },
      },
      degradations,
    };
  }
  const replies = c.actions.flatMap((a) => (a.type === 'reply' ? [a] : []));
  if (form === 'reply_buttons') {
    return {
      type: 'interactive',
      payload: {
        type: 'button',
        ...common,
        action: {
          buttons: replies.map((r) => ({ type: 'reply', reply: { id: r.payload, title: r.title } })),
        },
      },
      degradations,
    };
  }
  degradations.push({
    pointer: c.actionsPointer,
    from: `${replies.length} reply buttons`,
    to: `interactive list opened by a "${LIST_BUTTON_LABEL}" button (WhatsApp shows at most 3 reply buttons)`,
    rule: FORM_RULES.list,
  });
  return {
    type: 'interactive',
    payload: {
      type: 'list',
      ...common,
      action: {
        button: LIST_BUTTON_LABEL,
        sections: [{ rows: replies.map((r) => ({ id: r.payload, title: r.title })) }],
      },
    },
    degradations,
  };
}

/** Choices WhatsApp cannot show as buttons, as text the person answers by number. */
function numberedText(c: ChoiceContent, degradations: Degradation[]): Part {
  const lines: string[] = [];
  if (c.headerText !== undefined) lines.push(`*${c.headerText}*`);
  if (c.headerImage !== undefined) lines.push(c.headerImage);
  lines.push(c.body);
  const { lines: actionLines, choices } = numberActions(c.actions, 1);
  lines.push('', ...actionLines);
  if (c.footer !== undefined) lines.push('', `_${c.footer}_`);
  degradations.push({
    pointer: c.actionsPointer,
    from: c.actions.map((a) => a.type).join(', '),
    to: 'text with numbered choices (answer by number) and links written out',
    rule: FORM_RULES.numbered,
  });
  return { type: 'text', payload: { body: lines.join('\n'), preview_url: false }, degradations, choices };
}

/** Replies and typed-text actions get numbers; links, calls and location requests are written out. */
export function numberActions(
  actions: readonly Action[],
  first: number,
): { lines: string[]; choices: NumberedChoice[] } {
  const lines: string[] = [];
  const choices: NumberedChoice[] = [];
  for (const a of actions) {
    switch (a.type) {
      case 'reply':
      case 'message': {
        const number = first + choices.length;
        choices.push({ number, title: a.title, payload: a.type === 'reply' ? a.payload : a.text });
        lines.push(`${number}. ${a.title}`);
        break;
      }
      case 'url':
        lines.push(`${a.title}: ${a.url}`);
        break;
      case 'call':
        lines.push(`${a.title}: ${a.phoneNumber}`);
        break;
      case 'location_request':
        lines.push(`${a.title}: share your location (📎 → Location)`);
        break;
    }
  }
  return { lines, choices };
}

export function renderList(m: MessageOf<'list'>): Part {
  return {
    type: 'interactive',
    payload: {
      type: 'list',
      ...(m.header !== undefined ? { header: { type: 'text', text: m.header } } : {}),
      body: { text: m.text },
      ...(m.footer !== undefined ? { footer: { text: m.footer } } : {}),
      action: {
        button: m.buttonText,
        sections: m.sections.map((s) => ({
          ...(s.title !== undefined ? { title: s.title } : {}),
          rows: s.rows.map((r) => ({
            id: r.id,
            title: r.title,
            ...(r.description !== undefined ? { description: r.description } : {}),
          })),
        })),
      },
    },
    degradations: [],
  };
}

export function renderCarousel(m: MessageOf<'carousel'>): Part {
  const form = carouselForm(m);
  const degradations = droppedCardExtras(m);
  const card = m.cards[0];
  if (form === 'single_card' && card !== undefined && card.actions === undefined) {
    degradations.push({
      pointer: '/message/cards',
      from: 'carousel of one card without actions',
      to: card.imageUrl !== undefined ? 'image with the card text as caption' : 'text',
      rule: 'whatsapp_single_card',
    });
    const body = cardBody(card) ?? '';
    return card.imageUrl !== undefined
      ? {
          type: 'image',
          payload: { link: card.imageUrl, ...(body !== '' ? { caption: body } : {}) },
          degradations,
        }
      : { type: 'text', payload: { body, preview_url: false }, degradations };
  }
  if (form === 'single_card') {
    const part = renderChoices({
      actionsPointer: '/message/cards/0/actions',
      body: card?.text ?? card?.title ?? '',
      headerText: card?.text !== undefined ? card.title : undefined,
      headerImage: card?.imageUrl,
      actions: card?.actions ?? [],
    });
    degradations.push({
      pointer: '/message/cards',
      from: 'carousel of one card',
      to: 'one interactive message (a WhatsApp media carousel needs 2 to 10 cards)',
      rule: 'whatsapp_single_card',
    });
    return { ...part, degradations: [...degradations, ...part.degradations] };
  }
  if (form === 'numbered') return numberedCarousel(m, degradations);
  degradations.push({
    pointer: '/message/cards',
    from: 'carousel without body text',
    to: 'card titles as the carousel body (WhatsApp requires one)',
    rule: 'whatsapp_carousel_body',
  });
  const cards = m.cards.map((c, i) => {
    const body = cardBody(c);
    const header = { type: 'image', image: { link: c.imageUrl ?? '' } };
    const action =
      form === 'cta_url_cards'
        ? ctaAction(c.actions?.[0])
        : {
            buttons: (c.actions ?? []).flatMap((a) =>
              a.type === 'reply'
                ? [{ type: 'quick_reply', quick_reply: { id: a.payload, title: a.title } }]
                : [],
            ),
          };
    return {
      card_index: i,
      type: form === 'cta_url_cards' ? 'cta_url' : 'button',
      header,
      ...(body !== undefined ? { body: { text: body } } : {}),
      action,
    };
  });
  return {
    type: 'interactive',
    payload: { type: 'carousel', body: { text: carouselBody(m) }, action: { cards } },
    degradations,
  };
}

function ctaAction(a: Action | undefined): Obj {
  return {
    name: 'cta_url',
    parameters: { display_text: a?.title ?? '', url: a?.type === 'url' ? a.url : '' },
  };
}

export function carouselBody(m: MessageOf<'carousel'>): string {
  const titles = m.cards.flatMap((c) => (c.title !== undefined ? [c.title] : []));
  return truncate(titles.length > 0 ? titles.join(' · ') : `${m.cards.length} ▸`, L.interactiveBody);
}

/** Badges, button colours and default actions have no place on WhatsApp; say so, never drop silently. */
function droppedCardExtras(m: MessageOf<'carousel'>): Degradation[] {
  const out: Degradation[] = [];
  m.cards.forEach((c, i) => {
    for (const key of ['badge', 'buttonColor', 'defaultAction'] as const) {
      if (c[key] === undefined) continue;
      out.push({
        pointer: `/message/cards/${i}/${key}`,
        from: key,
        to: 'left out (WhatsApp cards have no such element)',
        rule: 'whatsapp_no_card_extras',
      });
    }
  });
  if (m.imageAspectRatio !== undefined) {
    out.push({
      pointer: '/message/imageAspectRatio',
      from: 'imageAspectRatio',
      to: 'left out (WhatsApp crops card images itself)',
      rule: 'whatsapp_no_card_extras',
    });
  }
  return out;
}

function numberedCarousel(m: MessageOf<'carousel'>, degradations: Degradation[]): Part {
  const lines: string[] = [];
  const choices: NumberedChoice[] = [];
  m.cards.forEach((c, i) => {
    if (i > 0) lines.push('');
    const body = cardBody(c);
    if (body !== undefined) lines.push(body);
    if (c.imageUrl !== undefined) lines.push(c.imageUrl);
    const numbered = numberActions(c.actions ?? [], choices.length + 1);
    lines.push(...numbered.lines);
    choices.push(...numbered.choices);
  });
  degradations.push({
    pointer: '/message/cards',
    from: 'carousel',
    to: 'text listing the cards with numbered choices and image links (no WhatsApp media carousel fits: it needs 2 to 10 cards, each with an image and one URL button or the same 1 to 2 replies)',
    rule: FORM_RULES.numbered,
  });
  return { type: 'text', payload: { body: lines.join('\n'), preview_url: false }, degradations, choices };
}
