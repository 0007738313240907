/**
 * Canonical message → one Viber `send_message` call. The auth token is a header `authorize` adds;
 * `sender` comes from options here, or from the account in `authorize` (see index.ts).
 */

import type {
  Degradation,
  LinkedMedia,
  NumberedChoice,
  RenderContext,
  RenderResult,
} from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import { lastPathSegment } from '../../lib/media-probe.ts';
import { optionsOf } from '../kit/options.ts';
import { receiptText } from '../kit/plain-text.ts';
import { VIBER_LIMITS } from './limits.ts';
import { ViberOptions } from './options.ts';
import { VIBER_SEND_PATH } from './provider.ts';
import { viberAction, viberKeyboard } from './render-actions.ts';
import { type CardInput, minimumRows, richMedia } from './render-rich-media.ts';

type Body = Record<string, unknown>;
interface Draft {
  body: Body;
  choices?: NumberedChoice[];
}

export function renderViber(message: CanonicalMessage, ctx: RenderContext): RenderResult {
  const options = optionsOf(ViberOptions, ctx.options);
  const d: Degradation[] = [];
  const draft = renderDraft(message, options, d, ctx.media);
  const body: Body = { receiver: ctx.to };
  const minApi = Math.max(
    options.minApiVersion ?? 0,
    draft.body['type'] === 'rich_media' ? VIBER_LIMITS.richMediaMinApiVersion : 0,
  );
  if (minApi > 0) body['min_api_version'] = minApi;
  if (options.senderName !== undefined) {
    body['sender'] = {
      name: options.senderName,
      ...(options.senderAvatar !== undefined ? { avatar: options.senderAvatar } : {}),
    };
  }
  if (options.trackingData !== undefined) body['tracking_data'] = options.trackingData;
  Object.assign(body, draft.body);
  return {
    request: { method: 'POST', path: VIBER_SEND_PATH, body },
    degradations: d,
    ...(draft.choices ? { choices: draft.choices } : {}),
  };
}

function renderDraft(
  message: CanonicalMessage,
  options: ViberOptions,
  d: Degradation[],
  media: LinkedMedia | undefined,
): Draft {
  switch (message.type) {
    case 'text':
      return { body: { type: 'text', text: message.text } };
    case 'media':
      return { body: renderMedia(message, options, d, media) };
    case 'location':
      if (message.title !== undefined || message.address !== undefined) {
        d.push({
          pointer: message.title !== undefined ? '/message/title' : '/message/address',
          from: 'location title and address',
          to: 'dropped: a Viber location is coordinates only',
          rule: 'viber_location_no_label',
        });
      }
      return { body: { type: 'location', location: { lat: message.latitude, lon: message.longitude } } };
    case 'sticker':
      if (message.packageId !== undefined) {
        d.push({
          pointer: '/message/packageId',
          from: 'sticker package',
          to: 'dropped: a Viber sticker id names the sticker alone',
          rule: 'viber_no_sticker_package',
        });
      }
      return { body: { type: 'sticker', sticker_id: Number(message.stickerId) } };
    case 'buttons':
      return { body: renderButtons(message, d) };
    case 'quick_replies':
      return {
        body: {
          type: 'text',
          text: message.text,
          keyboard: viberKeyboard(
            message.replies.map((r, i) => viberAction(r, `/message/replies/${i}`, r.title, d)),
          ),
        },
      };
    case 'carousel':
      return renderCarousel(message, d);
    case 'list':
      return renderList(message, d);
    case 'receipt':
      d.push({ pointer: '/message', from: 'receipt', to: 'formatted text', rule: 'viber_no_receipt' });
      return { body: { type: 'text', text: receiptText(message) } };
    case 'raw': {
      const { receiver: _r, ...payload } = message.payload as Body;
      return { body: payload };
    }
    case 'imagemap':
    case 'template':
    case 'sender_action':
      // Refused by capability before render; rendered as a note so render stays total.
      return { body: { type: 'text', text: `[${message.type}]` } };
  }
}

function renderMedia(
  message: MessageOf<'media'>,
  options: ViberOptions,
  d: Degradation[],
  media: LinkedMedia | undefined,
): Body {
  // `check` refuses a mediaId (Viber fetches by URL); render stays total.
  const url = message.url ?? message.mediaId ?? '';
  // What the probe found at the URL (core/rules/send/linked-media.ts): the size Viber requires, the duration
  // and file name it takes. A size given in the options is the sender's word and goes first.
  const found = media?.['/message/url'];
  const facts = found !== undefined && 'facts' in found ? found.facts : undefined;
  const size = options.mediaSize ?? facts?.size;
  const durationMs = message.durationMs ?? facts?.durationMs;
  const thumbnail = message.previewUrl !== undefined ? { thumbnail: message.previewUrl } : {};
  if (message.mediaType === 'image') {
    return { type: 'picture', text: message.caption ?? '', media: url, ...thumbnail };
  }
  if (message.mediaType === 'audio') {
    d.push({
      pointer: '/message/mediaType',
      from: 'audio',
      to: size !== undefined ? 'file message' : 'link',
      rule: 'viber_no_audio',
    });
  }
  if (size === undefined) {
    d.push({
      pointer: '/message/url',
      from: `${message.mediaType} of unknown size (neither options.viber.mediaSize nor a probe of the URL gave one)`,
      to: message.caption !== undefined ? 'text message "caption\\nurl"' : 'url message (a link preview)',
      rule: 'viber_media_size_unknown',
    });
    return message.caption !== undefined
      ? { type: 'text', text: `${message.caption}\n${url}` }
      : { type: 'url', media: url };
  }
  if (message.caption !== undefined) {
    d.push({
      pointer: '/message/caption',
      from: 'caption',
      to: 'dropped: Viber video and file messages have no text (send it as its own text message)',
      rule: 'viber_no_caption',
    });
  }
  if (message.mediaType === 'video') {
    const duration = durationMs !== undefined ? { duration: Math.max(1, Math.round(durationMs / 1000)) } : {};
    return { type: 'video', media: url, size, ...duration, ...thumbnail };
  }
  if (message.previewUrl !== undefined) {
    d.push({
      pointer: '/message/previewUrl',
      from: 'preview URL',
      to: 'dropped: Viber file messages have no thumbnail',
      rule: 'viber_file_no_thumbnail',
    });
  }
  return {
    type: 'file',
    media: url,
    size,
    file_name: message.fileName ?? facts?.fileName ?? lastPathSegment(url),
  };
}

/** The cards of a carousel as the rich media layout takes them (also what `check` measures). */
export function carouselCards(message: MessageOf<'carousel'>): CardInput[] {
  return message.cards.map((card, i) => ({
    pointer: `/message/cards/${i}`,
    ...card,
    actions: (card.actions ?? []).map((action, j) => ({
      pointer: `/message/cards/${i}/actions/${j}`,
      action,
    })),
  }));
}

/** A buttons message as one rich media card; when it cannot fit one, text with a keyboard. */
export function buttonsCard(message: MessageOf<'buttons'>): CardInput {
  const title = message.title ?? message.header?.text;
  const lines = [
    message.title !== undefined ? message.header?.text : undefined,
    message.text,
    message.footer,
  ].filter((s): s is string => s !== undefined);
  return {
    pointer: '/message',
    ...(message.header?.imageUrl !== undefined ? { imageUrl: message.header.imageUrl } : {}),
    ...(title !== undefined ? { title } : {}),
    text: lines.join('\n'),
    actions: message.actions.map((action, i) => ({ pointer: `/message/actions/${i}`, action })),
  };
}

/** Whether a buttons card fits one rich media card: its rows, and its text in one cell. */
function cardFits(card: CardInput): boolean {
  const visible = [card.title, card.text].filter((s) => s !== undefined).join(' ');
  return minimumRows(card) <= VIBER_LIMITS.gridRows && visible.length <= VIBER_LIMITS.cellText;
}

function renderButtons(message: MessageOf<'buttons'>, d: Degradation[]): Body {
  const card = buttonsCard(message);
  if (cardFits(card)) {
    return {
      type: 'rich_media',
      rich_media: richMedia([card], d),
      alt_text: altText(message),
    };
  }
  d.push({
    pointer: '/message',
    from: 'buttons card',
    to: 'text message with a keyboard (the text or the buttons do not fit one 6×7 rich media card)',
    rule: 'viber_buttons_as_keyboard',
  });
  if (message.header?.imageUrl !== undefined) {
    d.push({
      pointer: '/message/header/imageUrl',
      from: 'header image',
      to: 'link at the top of the text',
      rule: 'viber_buttons_as_keyboard',
    });
  }
  return {
    type: 'text',
    text: altText(message),
    keyboard: viberKeyboard(
      message.actions.map((a, i) => viberAction(a, `/message/actions/${i}`, a.title, d)),
    ),
  };
}

/** What clients without rich media show, and the keyboard form's text. */
function altText(message: MessageOf<'buttons'>): string {
  return [message.header?.imageUrl, message.header?.text, message.title, message.text, message.footer]
    .filter((s): s is string => s !== undefined)
    .join('\n\n');
}

function renderCarousel(message: MessageOf<'carousel'>, d: Degradation[]): Draft {
  if (message.imageAspectRatio === 'square') {
    d.push({
      pointer: '/message/imageAspectRatio',
      from: 'square images',
      to: 'full-width image cells 3 rows high',
      rule: 'viber_card_image_shape',
    });
  }
  if (message.cards.length <= VIBER_LIMITS.richMediaCards) {
    const cards = carouselCards(message);
    const alt = message.cards.map((c, i) => `${i + 1}. ${c.title ?? c.text ?? `Card ${i + 1}`}`).join('\n');
    return { body: { type: 'rich_media', rich_media: richMedia(cards, d), alt_text: alt } };
  }
  d.push({
    pointer: '/message/cards',
    from: `carousel of ${message.cards.length} cards`,
    to: `text of numbered cards with a keyboard of their reply actions (Viber shows at most ${VIBER_LIMITS.richMediaCards} cards)`,
    rule: 'viber_carousel_too_many_cards',
  });
  const choices: NumberedChoice[] = [];
  const buttons: Array<ReturnType<typeof viberAction>> = [];
  const blocks = message.cards.map((card, i) => {
    const lines = [`${card.title ?? `Card ${i + 1}`}${card.badge ? ` [${card.badge.text}]` : ''}`];
    if (card.text !== undefined) lines.push(card.text);
    if (card.imageUrl !== undefined) lines.push(card.imageUrl);
    (card.actions ?? []).forEach((action, j) => {
      const pointer = `/message/cards/${i}/actions/${j}`;
      if (action.type === 'reply' || action.type === 'message') {
        const number = choices.length + 1;
        const payload = action.type === 'reply' ? action.payload : action.text;
        const title = `${card.title ?? `Card ${i + 1}`}: ${action.title}`;
        choices.push({ number, title, payload });
        lines.push(`${number}. ${action.title}`);
        buttons.push(viberAction(action, pointer, `${number}. ${title}`, d));
      } else if (action.type === 'url') {
        lines.push(`${action.title}: ${action.url}`);
      } else {
        buttons.push(viberAction(action, pointer, action.title, d));
      }
    });
    return lines.join('\n');
  });
  const body: Body = { type: 'text', text: blocks.join('\n\n') };
  if (buttons.length > 0) body['keyboard'] = viberKeyboard(buttons);
  return { body, ...(choices.length > 0 ? { choices } : {}) };
}

function renderList(message: MessageOf<'list'>, d: Degradation[]): Draft {
  d.push({
    pointer: '/message/sections',
    from: 'list',
    to: 'numbered rows in the text and a keyboard of one reply button per row',
    rule: 'viber_no_list',
  });
  d.push({
    pointer: '/message/buttonText',
    from: 'list button',
    to: 'paragraph before the numbered rows (the rows are shown directly)',
    rule: 'viber_no_list',
  });
  const choices: NumberedChoice[] = [];
  const buttons: Array<ReturnType<typeof viberAction>> = [];
  const blocks = message.sections.map((section) => {
    const lines = section.title !== undefined ? [section.title] : [];
    for (const row of section.rows) {
      const number = choices.length + 1;
      choices.push({ number, title: row.title, payload: row.id });
      lines.push(`${number}. ${row.title}${row.description !== undefined ? ` — ${row.description}` : ''}`);
      buttons.push({ ActionType: 'reply', ActionBody: row.id, Text: `${number}. ${row.title}` });
    }
    return lines.join('\n');
  });
  // The button's label names the choice (Konnek calls it the list's title): it introduces the rows.
  const text = [message.header, message.text, message.buttonText, ...blocks, message.footer]
    .filter((s): s is string => s !== undefined)
    .join('\n\n');
  return { body: { type: 'text', text, keyboard: viberKeyboard(buttons) }, choices };
}
