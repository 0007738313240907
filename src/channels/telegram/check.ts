/**
 * Telegram's documented limits applied to a canonical message before it is stored. Lengths that
 * depend on what Omnigate folds into the text (titles, footers, numbered cards) are measured on the
 * rendered request, so `check` and `render` cannot disagree, and they are measured as Telegram
 * measures them: after the `parse_mode` markup is parsed, in characters (parse-mode/visible-text.ts).
 * Pointers start at `/message`.
 */

import type { FieldIssue } from '../../core/vocabulary/channel.ts';
import type { Action, CanonicalMessage } from '../../core/vocabulary/message.ts';
import { utf8Length } from '../../lib/text.ts';
import { Issues } from '../kit/issues.ts';
import { optionsOf } from '../kit/options.ts';
import { isTelegramButtonUrl, isTelegramChatId, TELEGRAM_LIMITS as L } from './limits.ts';
import { type ParseMode, TelegramOptions } from './options.ts';
import { parseWithMode } from './provider/parse-mode/parse.ts';
import { MAX_SOURCE_BYTES, visibleChars } from './provider/parse-mode/visible-text.ts';
import { renderTelegram } from './render.ts';

export function checkTelegramRecipient(to: string): string | undefined {
  return isTelegramChatId(to)
    ? undefined
    : 'a Telegram chat id (a safe integer without leading zeros, negative for groups) or a public @username (a letter, then 4-31 letters, digits or underscores)';
}

/** Telegram's own rules: text measured after its markup is parsed, and what buttons carry. */
class TelegramIssues extends Issues {
  /**
   * `mode`: the send's parse mode. `markupPointer`: the caller's own markup, the only text a parse
   * can fail on (every field Omnigate folds in is escaped for the mode).
   */
  constructor(
    private readonly mode: ParseMode | undefined,
    private readonly markupPointer: string,
  ) {
    super('Telegram');
  }

  /**
   * A rendered `text` or `caption` measured as Telegram measures it: its source at most 2^15
   * bytes, its markup parsable, and what is left once the markup is parsed and the ends trimmed at
   * most `max` characters (and, for a message text, not empty).
   */
  visibleLength(pointer: string, value: unknown, max: number, what: string, required = false): void {
    if (typeof value !== 'string') return;
    const bytes = utf8Length(value);
    if (bytes > MAX_SOURCE_BYTES) {
      this.add(
        pointer,
        'maxBytes',
        `Telegram refuses ${what} whose source (markup included) is over ${MAX_SOURCE_BYTES} UTF-8 bytes; this is ${bytes} bytes`,
      );
      return;
    }
    const n = visibleChars(value, this.mode);
    if (n === undefined) {
      const parsed = parseWithMode(value, this.mode);
      this.add(
        this.markupPointer,
        'telegram_markup',
        `Telegram would refuse this ${this.mode} markup: ${'error' in parsed ? parsed.error : 'unparsable'}`,
      );
      return;
    }
    if (n > max) {
      this.add(
        pointer,
        'maxLength',
        `Telegram allows at most ${max} characters in ${what}, counted after entity parsing (markup removed, ends trimmed); this has ${n}`,
      );
    } else if (required && n === 0) {
      this.add(
        pointer,
        'minLength',
        `Telegram refuses ${what} that is empty once its markup and surrounding spaces and line breaks are removed`,
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

/** `options`: the send's `options.telegram`, whose parse mode says how Telegram reads the text. */
export function checkTelegramMessage(
  message: CanonicalMessage,
  options?: Record<string, unknown>,
): FieldIssue[] {
  const p = '/message';
  const mode = optionsOf(TelegramOptions, options).parseMode;
  const issues = new TelegramIssues(mode, message.type === 'media' ? `${p}/caption` : `${p}/text`);
  const body = renderTelegram(message, { to: '0', retryKey: '', ...(options ? { options } : {}) }).request
    .body as Record<string, unknown>;
  const text = body['text'];
  const caption = body['caption'];
  switch (message.type) {
    case 'text':
      issues.visibleLength(`${p}/text`, text, L.text, 'a message', true);
      break;
    case 'media':
      issues.visibleLength(`${p}/caption`, caption, L.caption, 'a caption');
      break;
    case 'buttons':
      issues.visibleLength(
        `${p}/text`,
        text,
        L.text,
        'a message (title, header text, footer and call lines included)',
        true,
      );
      // With a header image the text went as the photo's caption, which render chose because it fits.
      issues.visibleLength(
        `${p}/text`,
        caption,
        L.caption,
        'a photo caption (title, header text and footer included)',
      );
      message.actions.forEach((a, i) => {
        issues.inlineAction(`${p}/actions/${i}`, a);
      });
      break;
    case 'quick_replies':
      issues.visibleLength(`${p}/text`, text, L.text, 'a message (url and call replies included)', true);
      break;
    case 'carousel':
      issues.visibleLength(`${p}/cards`, text, L.text, 'the one message the cards are written into');
      message.cards.forEach((card, i) => {
        if (card.defaultAction !== undefined)
          issues.inlineAction(`${p}/cards/${i}/defaultAction`, card.defaultAction);
        (card.actions ?? []).forEach((a, j) => {
          issues.inlineAction(`${p}/cards/${i}/actions/${j}`, a);
        });
      });
      break;
    case 'list':
      issues.visibleLength(
        // The rows are what makes a list long, unless its own text already is.
        (visibleChars(message.text, mode) ?? 0) > L.text ? `${p}/text` : `${p}/sections`,
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
      issues.visibleLength(`${p}/altText`, caption, L.caption, 'a photo caption');
      message.areas.forEach((a, i) => {
        issues.inlineAction(`${p}/areas/${i}/action`, a.action);
      });
      break;
    case 'receipt':
      issues.visibleLength(`${p}/elements`, text, L.text, 'the one message the receipt is written into');
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
