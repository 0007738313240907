/**
 * The Send API's documented limits applied to a canonical message before it is stored, for
 * Messenger and Instagram alike (the flavour says how text is counted). Lengths of text Omnigate
 * composes (folded titles, numbered lists) are measured on the rendered request, so `check` and
 * `render` cannot disagree. Pointers start at `/message`.
 */

import type { FieldIssue } from '../../../core/vocabulary/channel.ts';
import type { Action, CanonicalMessage } from '../../../core/vocabulary/message.ts';
import { codePointLength } from '../../../lib/text.ts';
import { Issues } from '../../kit/issues.ts';
import type { SendApiFlavor } from './flavor.ts';
import { SEND_API_LIMITS as L, SCOPED_ID } from './limits.ts';
import { renderSendApi } from './render.ts';

export function checkScopedId(displayName: string, to: string): string | undefined {
  return SCOPED_ID.test(to)
    ? undefined
    : `a ${displayName} scoped user id (the numeric id webhooks give as sender.id)`;
}

/** A button or quick reply: title ≤ 20, payload ≤ 1000. */
function checkAction(issues: Issues, pointer: string, a: Action, what: string): void {
  issues.maxLength(`${pointer}/title`, a.title, L.buttonTitle, 'characters', `in a ${what} title`);
  if (a.type === 'reply')
    issues.maxLength(`${pointer}/payload`, a.payload, L.payload, 'characters', 'in a payload');
  if (a.type === 'message')
    issues.maxLength(
      `${pointer}/text`,
      a.text,
      L.payload,
      'characters',
      'in a payload (the text rides in it)',
    );
}

/** Actions that become buttons (location requests are dropped; calls are text lines without a call button). */
function asButtons(f: SendApiFlavor, actions: Action[]): Array<[number, Action]> {
  return actions
    .map((a, i): [number, Action] => [i, a])
    .filter(([, a]) => a.type !== 'location_request' && (a.type !== 'call' || f.callButton));
}

type Json = Record<string, unknown>;

export function checkSendApi(f: SendApiFlavor, message: CanonicalMessage): FieldIssue[] {
  const issues = new Issues(f.displayName);
  /** The message's own text, counted the flavour's way. */
  const textLimit = (pointer: string, value: unknown, what: string) =>
    issues.maxLength(
      pointer,
      value,
      f.text.max,
      f.text.unit === 'bytes' ? 'utf8' : 'characters',
      `in ${what}`,
    );
  const chars = (pointer: string, value: string | undefined, max: number, what: string) =>
    issues.maxLength(pointer, value, max, 'characters', `in ${what}`);
  const p = '/message';
  const body = renderSendApi(f, message, { to: '0', retryKey: '' }, {}).request.body as Json;
  const wire = (body['message'] ?? {}) as Json;
  const text = wire['text'];
  switch (message.type) {
    case 'text':
      textLimit(`${p}/text`, text, 'a message');
      break;
    case 'location':
      textLimit(`${p}/address`, text, 'the text the location is written into');
      break;
    case 'buttons': {
      const buttons = asButtons(f, message.actions);
      issues.maxItems(`${p}/actions`, buttons.length, L.buttons, 'buttons in a button template');
      for (const [i, a] of buttons) checkAction(issues, `${p}/actions/${i}`, a, 'button');
      const payload = ((wire['attachment'] as Json | undefined)?.['payload'] ?? {}) as Json;
      if (typeof payload['text'] === 'string') {
        const n = codePointLength(payload['text']);
        if (n > L.buttonTemplateText) {
          issues.add(
            `${p}/text`,
            'maxLength',
            `${f.displayName} allows at most ${L.buttonTemplateText} characters in a button template's text (title, header, footer and call lines included); this has ${n}`,
          );
        }
      } else {
        textLimit(`${p}/text`, text, 'a message (no action could be a button)');
      }
      break;
    }
    case 'quick_replies': {
      textLimit(`${p}/text`, text, 'a message (url and call replies included)');
      const replies = message.replies
        .map((a, i): [number, Action] => [i, a])
        .filter(([, a]) => a.type === 'reply' || a.type === 'message');
      issues.maxItems(`${p}/replies`, replies.length, L.quickReplies, 'quick replies');
      for (const [i, a] of replies) checkAction(issues, `${p}/replies/${i}`, a, 'quick reply');
      break;
    }
    case 'carousel': {
      const payload = ((wire['attachment'] as Json | undefined)?.['payload'] ?? {}) as Json;
      const elements = (Array.isArray(payload['elements']) ? payload['elements'] : []) as Json[];
      issues.maxItems(`${p}/cards`, message.cards.length, L.genericElements, 'cards in a generic template');
      message.cards.forEach((card, i) => {
        const c = `${p}/cards/${i}`;
        if (card.title === undefined) {
          issues.add(`${c}/title`, 'required', `A ${f.displayName} generic template element needs a title`);
        }
        chars(`${c}/title`, card.title, L.elementTitle, 'a card title');
        // The rendered subtitle: the card text plus any call lines a flavour without call buttons adds.
        const element = elements[i] ?? {};
        const subtitle = typeof element['subtitle'] === 'string' ? element['subtitle'] : undefined;
        chars(`${c}/text`, subtitle, L.elementSubtitle, 'a card subtitle (the card text and any call lines)');
        const buttons = asButtons(f, card.actions ?? []);
        issues.maxItems(`${c}/actions`, buttons.length, L.buttons, 'buttons on a card');
        for (const [j, a] of buttons) checkAction(issues, `${c}/actions/${j}`, a, 'button');
        const hasMore =
          card.text !== undefined ||
          card.imageUrl !== undefined ||
          card.defaultAction?.type === 'url' ||
          buttons.length > 0;
        if (card.title !== undefined && !hasMore) {
          issues.add(
            c,
            'required',
            `A ${f.displayName} card needs a text, an image, a URL default action or a button besides its title`,
          );
        }
      });
      break;
    }
    case 'list':
      textLimit(`${p}/sections`, text, 'the one message the list is written into');
      message.sections.forEach((s, i) => {
        s.rows.forEach((r, j) => {
          chars(`${p}/sections/${i}/rows/${j}/id`, r.id, L.payload, 'a quick-reply payload (the row id)');
        });
      });
      break;
    case 'receipt':
      if (f.receiptTemplate)
        issues.maxItems(`${p}/elements`, message.elements.length, L.receiptElements, 'receipt elements');
      else textLimit(`${p}/elements`, text, 'the text the receipt is written into');
      break;
    case 'raw': {
      const payload = message.payload as Json;
      if ((payload['message'] === undefined) === (payload['sender_action'] === undefined)) {
        issues.add(
          `${p}/payload`,
          'required',
          'A Send API raw payload holds exactly one of `message` or `sender_action` (the recipient is filled in)',
        );
      }
      break;
    }
    case 'media':
      if (message.url === undefined && message.mediaId === undefined) {
        issues.add(
          `${p}/url`,
          'required',
          `A ${f.displayName} attachment needs a \`url\` or a \`mediaId\` (attachment_id)`,
        );
      }
      // Meta's attachment ids (the Attachment Upload API's answer) are numeric.
      if (message.mediaId !== undefined && !/^[0-9]+$/.test(message.mediaId)) {
        issues.add(
          `${p}/mediaId`,
          'pattern',
          `A ${f.displayName} attachment_id is the numeric id the attachment upload API returned`,
        );
      }
      break;
    case 'sender_action':
    case 'sticker':
    case 'imagemap':
    case 'template':
      break;
  }
  return issues.list;
}
