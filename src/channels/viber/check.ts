/**
 * Viber's documented limits applied before anything is stored. Lengths are measured on the
 * rendered request where Omnigate composes the text, so `check` and `render` cannot disagree.
 * Pointers start at `/message`.
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage } from '../../core/vocabulary/message.ts';
import { lastPathSegment } from '../../lib/media-probe.ts';
import { utf8Length } from '../../lib/text.ts';
import { Issues, MEASURES, type TextMeasure } from '../kit/issues.ts';
import { VIBER_LIMITS as L, PICTURE_EXTENSION, VIBER_USER_ID } from './limits.ts';
import { carouselCards, renderViber } from './render.ts';
import { minimumRows } from './render-rich-media.ts';

export function checkViberRecipient(to: string): string | undefined {
  return VIBER_USER_ID.test(to)
    ? undefined
    : 'a Viber subscriber id (22 base64 characters and "==", e.g. jc9HsWTZ2Yf2NkRZ8KcNug==)';
}

/** Viber counts text in UTF-16 code units and calls them characters. */
const VIBER_TEXT: TextMeasure = { ...MEASURES.utf16, unit: 'characters' };

/**
 * `check` sees no send options and no probe, so a video or file is checked in the form it takes
 * without a size (a link); the native video/file rules (.mp4, size, duration, forbidden types) are
 * judged once the size is known, on the probed media (linked-media.ts).
 */
export function checkViberMessage(message: CanonicalMessage): FieldIssue[] {
  const issues = new Issues('Viber', VIBER_TEXT);
  const maxLength = (pointer: string, value: unknown, max: number, what: string) =>
    issues.maxLength(pointer, value, max, VIBER_TEXT, `in ${what}`);
  const body = renderViber(message, { to: 'jc9HsWTZ2Yf2NkRZ8KcNug==', retryKey: '' }).request.body as Record<
    string,
    unknown
  >;
  const p = '/message';

  switch (message.type) {
    case 'text':
      maxLength(`${p}/text`, body['text'], L.text, 'a text message');
      break;
    case 'media': {
      if (message.url === undefined) {
        issues.add(
          `${p}/url`,
          'required',
          'Viber fetches media by URL and has no uploaded media ids; give `url`',
        );
        break;
      }
      const name = lastPathSegment(message.url);
      if (body['type'] === 'picture') {
        maxLength(`${p}/caption`, body['text'], L.pictureText, 'a picture description');
        if (!PICTURE_EXTENSION.test(name)) {
          issues.add(
            `${p}/url`,
            'url_extension',
            'A Viber picture URL must end in .jpeg, .jpg, .png or .gif',
          );
        }
      } else if (body['type'] === 'url') {
        maxLength(`${p}/url`, body['media'], L.urlMedia, 'a url message');
      } else {
        maxLength(`${p}/caption`, body['text'], L.text, 'a text message (caption and link)');
      }
      break;
    }
    case 'sticker':
      if (!/^[1-9][0-9]{0,9}$/.test(message.stickerId)) {
        issues.add(`${p}/stickerId`, 'pattern', 'A Viber sticker id is a number (e.g. 40129)');
      }
      break;
    case 'buttons':
      if (body['type'] === 'text')
        maxLength(`${p}/text`, body['text'], L.text, 'the text the buttons go with');
      break;
    case 'quick_replies':
      maxLength(`${p}/text`, body['text'], L.text, 'a text message');
      break;
    case 'carousel':
      if (body['type'] === 'text') {
        maxLength(`${p}/cards`, body['text'], L.text, 'the text the cards are written into');
        break;
      }
      for (const [i, card] of carouselCards(message).entries()) {
        if (minimumRows(card) > L.gridRows) {
          const room = L.gridRows - minimumRows({ ...card, actions: [] });
          issues.add(
            `${p}/cards/${i}/actions`,
            'maxItems',
            `A Viber card is ${L.gridRows} rows high; with its image and text it has room for ${room} action(s)`,
          );
        }
      }
      break;
    case 'list':
      maxLength(`${p}/sections`, body['text'], L.text, 'the text the list is written into');
      break;
    case 'receipt':
      maxLength(`${p}/elements`, body['text'], L.text, 'the text the receipt is written into');
      break;
    case 'raw':
      if (typeof (message.payload as Record<string, unknown>)['type'] !== 'string') {
        issues.add(
          `${p}/payload/type`,
          'required',
          'A Viber raw payload is a send_message body with its `type`',
        );
      }
      break;
    case 'location':
    case 'imagemap':
    case 'template':
    case 'sender_action':
      break;
  }
  const bytes = utf8Length(JSON.stringify(body));
  if (issues.list.length === 0 && bytes > L.messageBytes) {
    issues.add(
      p,
      'maxBytes',
      `A Viber message is at most ${L.messageBytes} bytes of JSON; this one is ${bytes}`,
    );
  }
  return issues.list;
}
