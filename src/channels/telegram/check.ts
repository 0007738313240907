/**
 * Telegram's documented limits applied to a canonical message before it is stored. Lengths that
 * depend on what Omnigate folds into the text (titles, footers, numbered cards) are measured on the
 * rendered request, so `check` and `render` cannot disagree. Pointers start at `/message`.
 */
import type { Action, CanonicalMessage } from '../../core/message.ts';
import { utf8Length, utf16Length } from '../../lib/text.ts';
import type { FieldIssue } from '../types.ts';
import { isTelegramButtonUrl, isTelegramChatId, TELEGRAM_LIMITS as L } from './limits.ts';
import { renderTelegram } from './render.ts';

export function checkTelegramRecipient(to: string): string | undefined {
  return isTelegramChatId(to)
    ? undefined
    : 'a Telegram chat id (a safe integer without leading zeros, negative for groups) or a public @username (a letter, then 4-31 letters, digits or underscores)';
}

class Issues {
  readonly list: FieldIssue[] = [];

  add(pointer: string, rule: string, detail: string): void {
    this.list.push({ pointer, rule, detail });
  }

  /** UTF-16 code units, as Telegram counts text and captions. */
  maxLength(pointer: string, value: unknown, max: number, what: string): void {
    if (typeof value !== 'string') return;
    const n = utf16Length(value);
    if (n > max) {
      this.add(
        pointer,
        'maxLength',
        `Telegram allows at most ${max} UTF-16 code units in ${what}; this has ${n}`,
      );
    }
  }

  callbackData(pointer: string, value: string): void {
    const n = utf8Length(value);
    if (n > L.callbackData || n < 1) {
      this.add(
        pointer,
        'maxBytes',
        `Telegram callback_data is 1-${L.callbackData} UTF-8 bytes; this is ${n} bytes`,
      );
    }
  }

  inlineAction(pointer: string, action: Action): void {
    if (action.type === 'reply') this.callbackData(`${pointer}/payload`, action.payload);
    else if (action.type === 'message') this.callbackData(`${pointer}/text`, action.text);
    else if (action.type === 'url' && !isTelegramButtonUrl(action.url)) {
      this.add(`${pointer}/url`, 'url_scheme', 'Telegram url buttons open http(s):// and tg:// links only');
    }
  }
}

export function checkTelegramMessage(message: CanonicalMessage): FieldIssue[] {
  const issues = new Issues();
  const p = '/message';
  const body = renderTelegram(message, { to: '0', retryKey: '' }).request.body as Record<string, unknown>;
  const text = body['text'];
  const caption = body['caption'];
  switch (message.type) {
    case 'text':
      issues.maxLength(`${p}/text`, text, L.text, 'a message');
      break;
    case 'media':
      issues.maxLength(`${p}/caption`, caption, L.caption, 'a caption');
      break;
    case 'buttons':
      issues.maxLength(
        `${p}/text`,
        text,
        L.text,
        'a message (title, header text, footer and call lines included)',
      );
      message.actions.forEach((a, i) => {
        issues.inlineAction(`${p}/actions/${i}`, a);
      });
      break;
    case 'quick_replies':
      issues.maxLength(`${p}/text`, text, L.text, 'a message (url and call replies included)');
      break;
    case 'carousel':
      issues.maxLength(`${p}/cards`, text, L.text, 'the one message the cards are written into');
      message.cards.forEach((card, i) => {
        if (card.defaultAction !== undefined)
          issues.inlineAction(`${p}/cards/${i}/defaultAction`, card.defaultAction);
        (card.actions ?? []).forEach((a, j) => {
          issues.inlineAction(`${p}/cards/${i}/actions/${j}`, a);
        });
      });
      break;
    case 'list':
      issues.maxLength(
        utf16Length(message.text) > L.text ? `${p}/text` : `${p}/sections`,
        text,
        L.text,
        'the one message the list is written into',
      );
      message.sections.forEach((s, i) => {
        s.rows.forEach((r, j) => {
          issues.callbackData(`${p}/sections/${i}/rows/${j}/id`, r.id);
        });
      });
      break;
    case 'imagemap':
      issues.maxLength(`${p}/altText`, caption, L.caption, 'a photo caption');
      message.areas.forEach((a, i) => {
        issues.inlineAction(`${p}/areas/${i}/action`, a.action);
      });
      break;
    case 'receipt':
      issues.maxLength(`${p}/elements`, text, L.text, 'the one message the receipt is written into');
      break;
    case 'sender_action':
      if (message.action !== 'typing_on') {
        issues.add(
          `${p}/action`,
          'channel_capability',
          'Telegram bots can only show a typing indicator (typing_on); there is no stop or mark-as-read call',
        );
      }
      break;
    case 'raw': {
      const method = (message.payload as Record<string, unknown>)['method'];
      if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
        issues.add(
          `${p}/payload/method`,
          'required',
          'A Telegram raw payload names the Bot API method in `method` (e.g. "sendPoll"); the other fields are its parameters',
        );
      }
      break;
    }
    case 'location':
    case 'sticker':
    case 'template':
      break;
  }
  return issues.list;
}
