/**
 * Canonical message → one Telegram Bot API call. The path holds the literal `{token}` placeholder
 * (`authorize` fills it at send time), so the stored request never carries the bot token.
 */

import type { Degradation, RenderContext, RenderResult } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import { utf8Length } from '../../lib/text.ts';
import { optionsOf } from '../kit/options.ts';
import { paragraphs } from '../kit/plain-text.ts';
import { escapeFor } from './format.ts';
import { TELEGRAM_LIMITS, telegramChatId } from './limits.ts';
import { type ParseMode, TelegramOptions } from './options.ts';
import { visibleChars } from './provider/parse-mode/visible-text.ts';
import { type Draft, renderCarousel, renderImagemap, renderList, renderReceipt } from './render-degraded.ts';
import {
  type InlineKeyboardButton,
  inlineAction,
  inlineKeyboard,
  type KeyboardButton,
} from './render-keyboard.ts';

export const telegramPath = (method: string): string => `/bot{token}/${method}`;

export const MEDIA_METHODS = {
  image: { method: 'sendPhoto', field: 'photo' },
  video: { method: 'sendVideo', field: 'video' },
  audio: { method: 'sendAudio', field: 'audio' },
  file: { method: 'sendDocument', field: 'document' },
} as const;

/** Methods that take `parse_mode` (they have a `text` or `caption`). */
const MARKUP_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendVideo', 'sendAudio', 'sendDocument']);
/** Methods that take `disable_notification` and `reply_parameters`. */
const SEND_METHODS = new Set([...MARKUP_METHODS, 'sendLocation', 'sendVenue', 'sendSticker']);

export function renderTelegram(message: CanonicalMessage, ctx: RenderContext): RenderResult {
  const options = optionsOf(TelegramOptions, ctx.options);
  const degradations: Degradation[] = [];
  const chatId = telegramChatId(ctx.to);

  if (message.type === 'raw') {
    const { method, ...params } = message.payload as Record<string, unknown>;
    const name = typeof method === 'string' && method !== '' ? method : 'sendMessage';
    return {
      request: { method: 'POST', path: telegramPath(name), body: rawBody(params, chatId) },
      degradations,
    };
  }

  const draft = renderDraft(message, options.parseMode, degradations);
  const body: Record<string, unknown> = { chat_id: chatId, ...draft.params };
  if (options.parseMode !== undefined && MARKUP_METHODS.has(draft.method))
    body['parse_mode'] = options.parseMode;
  if (SEND_METHODS.has(draft.method)) {
    if (options.disableNotification !== undefined) body['disable_notification'] = options.disableNotification;
    if (options.replyToMessageId !== undefined) {
      body['reply_parameters'] = { message_id: options.replyToMessageId };
    }
  }
  return { request: { method: 'POST', path: telegramPath(draft.method), body }, degradations };
}

/** Parameters that address something other than a chat: a call carrying one takes no `chat_id`. */
const NOT_A_CHAT = ['callback_query_id', 'inline_query_id', 'inline_message_id'];

/**
 * A raw call's parameters with `chat_id` filled from the recipient, except where Telegram would
 * refuse it: answerCallbackQuery, answerInlineQuery and inline-message edits have no chat_id
 * parameter, and `chat_id: null` is the caller saying "leave it out" (the key is removed).
 */
function rawBody(params: Record<string, unknown>, chatId: number | string): Record<string, unknown> {
  if (params['chat_id'] === null) {
    const { chat_id: _omitted, ...rest } = params;
    return rest;
  }
  if (params['chat_id'] !== undefined || NOT_A_CHAT.some((k) => params[k] !== undefined)) return params;
  return { chat_id: chatId, ...params };
}

function renderDraft(
  message: Exclude<CanonicalMessage, { type: 'raw' }>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  switch (message.type) {
    case 'text':
      return { method: 'sendMessage', params: { text: message.text } };
    case 'media':
      return renderMedia(message, d);
    case 'location':
      return renderLocation(message, d);
    case 'sticker':
      if (message.packageId !== undefined) {
        d.push({
          pointer: '/message/packageId',
          from: 'sticker package',
          to: 'dropped: a Telegram sticker file_id names the sticker alone',
          rule: 'telegram_no_sticker_package',
        });
      }
      return { method: 'sendSticker', params: { sticker: message.stickerId } };
    case 'buttons':
      return renderButtons(message, mode, d);
    case 'quick_replies':
      return renderQuickReplies(message, mode, d);
    case 'carousel':
      return renderCarousel(message, mode, d);
    case 'list':
      return renderList(message, mode, d);
    case 'imagemap':
      return renderImagemap(message, mode, d);
    case 'receipt':
      return renderReceipt(message, mode, d);
    case 'sender_action':
      if (message.action !== 'typing_on') {
        // `check` refuses these; render stays total.
        d.push({
          pointer: '/message/action',
          from: message.action,
          to: 'typing (Telegram has no stop-typing or mark-as-read call)',
          rule: 'channel_capability',
        });
      }
      return { method: 'sendChatAction', params: { action: 'typing' } };
    case 'template':
      // Refused by capability before render; rendered as its name so render stays total.
      return { method: 'sendMessage', params: { text: message.name } };
  }
}

function renderMedia(message: MessageOf<'media'>, d: Degradation[]): Draft {
  const { method, field } = MEDIA_METHODS[message.mediaType];
  // A mediaId is a Telegram file_id, which goes in the same field as a URL.
  const params: Record<string, unknown> = { [field]: message.mediaId ?? message.url };
  if (message.caption !== undefined) params['caption'] = message.caption;
  if (message.durationMs !== undefined && (message.mediaType === 'video' || message.mediaType === 'audio')) {
    params['duration'] = Math.max(1, Math.round(message.durationMs / 1000));
  }
  if (message.previewUrl !== undefined) {
    d.push({
      pointer: '/message/previewUrl',
      from: 'preview URL',
      to: 'dropped: Telegram makes its own thumbnails (a custom one must be uploaded)',
      rule: 'telegram_no_preview_url',
    });
  }
  if (message.fileName !== undefined) {
    d.push({
      pointer: '/message/fileName',
      from: 'file name',
      to: 'dropped: Telegram names a file sent by URL after the URL',
      rule: 'telegram_no_file_name',
    });
  }
  return { method, params };
}

function renderLocation(message: MessageOf<'location'>, d: Degradation[]): Draft {
  const { latitude, longitude, title, address } = message;
  if (title !== undefined && address !== undefined) {
    return { method: 'sendVenue', params: { latitude, longitude, title, address } };
  }
  if (title !== undefined || address !== undefined) {
    d.push({
      pointer: title !== undefined ? '/message/title' : '/message/address',
      from: 'venue with only a title or an address',
      to: 'plain location (Telegram venues need both)',
      rule: 'telegram_venue_needs_title_and_address',
    });
  }
  return { method: 'sendLocation', params: { latitude, longitude } };
}

/** The body text of a buttons message with its title, header text and footer folded in. */
export function buttonsText(
  message: MessageOf<'buttons'>,
  mode: ParseMode | undefined,
  lines: string[] = [],
): string {
  const esc = (s: string | undefined) => (s === undefined ? undefined : escapeFor(mode, s));
  return paragraphs(
    esc(message.header?.text),
    esc(message.title),
    message.text,
    esc(message.footer),
    lines.length > 0 ? lines.map((l) => escapeFor(mode, l)).join('\n') : undefined,
  );
}

function renderButtons(message: MessageOf<'buttons'>, mode: ParseMode | undefined, d: Degradation[]): Draft {
  for (const [key, pointer, where] of [
    ['header', '/message/header/text', 'first paragraph of the text'],
    ['title', '/message/title', 'paragraph before the text'],
    ['footer', '/message/footer', 'last paragraph of the text'],
  ] as const) {
    const present = key === 'header' ? message.header?.text !== undefined : message[key] !== undefined;
    if (present) d.push({ pointer, from: key, to: where, rule: `telegram_no_${key}` });
  }
  const buttons: InlineKeyboardButton[] = [];
  const lines: string[] = [];
  message.actions.forEach((action, i) => {
    const r = inlineAction(action, `/message/actions/${i}`, action.title, d);
    if ('button' in r) buttons.push(r.button);
    else lines.push(r.line);
  });
  const text = buttonsText(message, mode, lines);
  const markup = buttons.length > 0 ? { reply_markup: inlineKeyboard(buttons) } : {};
  const image = message.header?.imageUrl;
  if (image !== undefined) {
    // Measured as Telegram measures a caption, so markup does not count against the image.
    const chars = visibleChars(text, mode);
    if (chars !== undefined && chars <= TELEGRAM_LIMITS.caption) {
      return { method: 'sendPhoto', params: { photo: image, caption: text, ...markup } };
    }
    d.push({
      pointer: '/message/header/imageUrl',
      from: 'header image',
      to: `link at the top of the text (the text is longer than a ${TELEGRAM_LIMITS.caption}-character caption)`,
      rule: 'telegram_caption_too_long',
    });
    return { method: 'sendMessage', params: { text: paragraphs(escapeFor(mode, image), text), ...markup } };
  }
  return { method: 'sendMessage', params: { text, ...markup } };
}

/**
 * A reply-keyboard button can only send its own label. A `message` reply labelled other than the
 * text it sends (a FIRST LINE option's label and value) would have to show the text instead, so
 * such replies go as inline buttons: the label is shown and the tap posts the text back as
 * callback_data. That needs every callback to fit Telegram's 1-64 bytes, and no reply asking for
 * the person's location (only a keyboard button can); otherwise the keyboard stays and shows the
 * text (recorded).
 */
function labelsNeedInlineButtons(replies: MessageOf<'quick_replies'>['replies']): boolean {
  const relabelled = replies.some((r) => r.type === 'message' && r.text !== r.title);
  const fits = (data: string) => {
    const n = utf8Length(data);
    return n >= 1 && n <= TELEGRAM_LIMITS.callbackData;
  };
  return (
    relabelled &&
    replies.every((r) =>
      r.type === 'reply'
        ? fits(r.payload)
        : r.type === 'message'
          ? fits(r.text)
          : r.type !== 'location_request',
    )
  );
}

function inlineQuickReplies(
  message: MessageOf<'quick_replies'>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  d.push({
    pointer: '/message/replies',
    from: 'quick replies',
    to: 'inline buttons under the message, each showing its title (they stay after a tap)',
    rule: 'telegram_quick_replies_inline',
  });
  const buttons: InlineKeyboardButton[] = [];
  const lines: string[] = [];
  message.replies.forEach((reply, i) => {
    const r = inlineAction(reply, `/message/replies/${i}`, reply.title, d);
    if ('button' in r) buttons.push(r.button);
    else lines.push(r.line);
  });
  const text = paragraphs(message.text, lines.map((l) => escapeFor(mode, l)).join('\n'));
  return { method: 'sendMessage', params: { text, reply_markup: inlineKeyboard(buttons) } };
}

function renderQuickReplies(
  message: MessageOf<'quick_replies'>,
  mode: ParseMode | undefined,
  d: Degradation[],
): Draft {
  if (labelsNeedInlineButtons(message.replies)) return inlineQuickReplies(message, mode, d);
  const keyboard: KeyboardButton[][] = [];
  const lines: string[] = [];
  message.replies.forEach((reply, i) => {
    const pointer = `/message/replies/${i}`;
    switch (reply.type) {
      case 'reply':
        keyboard.push([{ text: reply.title }]);
        d.push({
          pointer,
          from: 'reply',
          to: 'keyboard button that sends its title as a text message (the payload does not come back)',
          rule: 'telegram_keyboard_sends_text',
        });
        break;
      case 'message':
        keyboard.push([{ text: reply.text }]);
        if (reply.text !== reply.title) {
          d.push({
            pointer,
            from: 'message reply',
            to: `keyboard button labelled with the text it sends (inline buttons, which could show the title, cannot ask for a location, and carry at most ${TELEGRAM_LIMITS.callbackData} bytes)`,
            rule: 'telegram_keyboard_sends_text',
          });
        }
        break;
      case 'location_request':
        keyboard.push([{ text: reply.title, request_location: true }]);
        break;
      case 'url':
        lines.push(`${reply.title}: ${reply.url}`);
        d.push({
          pointer,
          from: 'url reply',
          to: 'text line "title: url"',
          rule: 'telegram_keyboard_no_url',
        });
        break;
      case 'call':
        lines.push(`${reply.title}: ${reply.phoneNumber}`);
        d.push({
          pointer,
          from: 'call reply',
          to: 'text line "title: number"',
          rule: 'telegram_no_call_button',
        });
        break;
    }
  });
  const text = paragraphs(message.text, lines.map((l) => escapeFor(mode, l)).join('\n'));
  const params: Record<string, unknown> = { text };
  if (keyboard.length > 0) {
    params['reply_markup'] = { keyboard, one_time_keyboard: true, resize_keyboard: true };
  }
  return { method: 'sendMessage', params };
}
