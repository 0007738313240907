/**
 * Canonical message → one WeChat customer-service call: `message/custom/send` (every content kind)
 * or `message/custom/typing` (sender_action). The access token is a path placeholder that
 * `authorize` fills at send time, so a stored request never holds it.
 */

import type { Degradation, RenderContext, RenderResult } from '../../core/vocabulary/channel.ts';
import type { CanonicalMessage, MessageOf } from '../../core/vocabulary/message.ts';
import type { Obj } from '../../lib/json.ts';
import { optionsOf } from '../kit/options.ts';
import { paragraphs, receiptTotals } from '../kit/plain-text.ts';
import type { WechatContent } from './content.ts';
import { WechatOptions } from './options.ts';
import { WECHAT_PATHS } from './provider/paths.ts';
import { renderCarousel } from './render-carousel.ts';
import { link, splitActions } from './render-menu.ts';

export function renderWechat(message: CanonicalMessage, ctx: RenderContext): RenderResult {
  const options = optionsOf(WechatOptions, ctx.options);
  if (message.type === 'sender_action') {
    return {
      request: {
        method: 'POST',
        path: WECHAT_PATHS.typing,
        body: { touser: ctx.to, command: message.action === 'typing_on' ? 'Typing' : 'CancelTyping' },
      },
      degradations: [],
    };
  }
  if (message.type === 'raw') {
    const body: Obj = { touser: ctx.to, ...message.payload };
    return {
      request: { method: 'POST', path: WECHAT_PATHS.send, body: withAgent(body, options) },
      degradations: [],
    };
  }
  const content = renderContent(message, options);
  const body: Obj = { touser: ctx.to, msgtype: content.msgtype, [content.msgtype]: content.payload };
  return {
    request: { method: 'POST', path: WECHAT_PATHS.send, body: withAgent(body, options) },
    degradations: content.degradations,
    ...(content.choices !== undefined && content.choices.length > 0 ? { choices: content.choices } : {}),
  };
}

function withAgent(body: Obj, options: WechatOptions): Obj {
  return options.kfAccount !== undefined
    ? { ...body, customservice: { kf_account: options.kfAccount } }
    : body;
}

const text = (content: string, degradations: Degradation[] = []): WechatContent => ({
  msgtype: 'text',
  payload: { content },
  degradations,
});

export function renderContent(
  message: Exclude<CanonicalMessage, { type: 'sender_action' | 'raw' }>,
  options: WechatOptions = {},
): WechatContent {
  switch (message.type) {
    case 'text':
      return text(message.text);
    case 'media':
      return renderMedia(message, options);
    case 'location':
      return renderLocation(message);
    case 'buttons':
      return renderMenu(
        paragraphs(message.header?.text, message.title, message.text),
        message.actions,
        message.footer,
        foldedHeader(message),
      );
    case 'quick_replies':
      return renderMenu(message.text, message.replies, undefined, [], '/message/replies');
    case 'list':
      return renderList(message);
    case 'carousel':
      return renderCarousel(message);
    case 'receipt':
      return renderReceipt(message);
    case 'sticker':
    case 'imagemap':
    case 'template':
      // Refused in capabilities.ts, so never sent; a text keeps render total for previews.
      return text(`[${message.type}]`, [
        { pointer: '/message', from: message.type, to: 'nothing', rule: 'wechat_refused_kind' },
      ]);
  }
}

function foldedHeader(message: MessageOf<'buttons'>): Degradation[] {
  const out: Degradation[] = [];
  if (message.header?.text !== undefined || message.title !== undefined) {
    out.push({
      pointer: message.title !== undefined ? '/message/title' : '/message/header/text',
      from: 'title / header text',
      to: 'paragraphs before the text',
      rule: 'wechat_title_in_text',
    });
  }
  if (message.header?.imageUrl !== undefined) {
    out.push({
      pointer: '/message/header/imageUrl',
      from: 'header image',
      to: 'dropped (a msgmenu has no image)',
      rule: 'wechat_no_header_image',
    });
  }
  return out;
}

/** A msgmenu when at least one action can be a menu item; otherwise the text with its links. */
function renderMenu(
  head: string,
  actions: MessageOf<'buttons'>['actions'],
  footer: string | undefined,
  degradations: Degradation[],
  pointer = '/message/actions',
): WechatContent {
  const split = splitActions(actions, pointer);
  const all = [...degradations, ...split.degradations];
  const tail = paragraphs(split.lines.join('\n'), footer);
  if (split.items.length === 0) return text(paragraphs(head, tail), all);
  return {
    msgtype: 'msgmenu',
    payload: { head_content: head, list: split.items, tail_content: tail },
    degradations: all,
  };
}

function renderList(message: MessageOf<'list'>): WechatContent {
  // The button's label names the choice (Konnek calls it the list's title): it ends the head, just
  // above the items, where a msgmenu has room for text.
  const head = paragraphs(message.header, message.text, message.buttonText);
  const list = message.sections.flatMap((s) =>
    s.rows.map((r) => ({
      id: r.id,
      content: r.description !== undefined ? `${r.title} - ${r.description}` : r.title,
    })),
  );
  const degradations: Degradation[] = [
    {
      pointer: '/message/sections',
      from: 'list',
      to: 'msgmenu (the rows as one list of items)',
      rule: 'wechat_list_as_msgmenu',
    },
    {
      pointer: '/message/buttonText',
      from: 'list button',
      to: 'last paragraph of the msgmenu head, above the items',
      rule: 'wechat_list_as_msgmenu',
    },
  ];
  // A msgmenu's items are one flat list: there is nowhere between them for a heading.
  message.sections.forEach((s, i) => {
    if (s.title !== undefined) {
      degradations.push({
        pointer: `/message/sections/${i}/title`,
        from: 'section title',
        to: 'dropped: msgmenu items have no sections',
        rule: 'wechat_list_as_msgmenu',
      });
    }
  });
  return {
    msgtype: 'msgmenu',
    payload: { head_content: head, list, tail_content: message.footer ?? '' },
    degradations,
  };
}

function renderMedia(message: MessageOf<'media'>, options: WechatOptions): WechatContent {
  const degradations: Degradation[] = [];
  const mediaId = message.mediaId ?? '';
  const drop = (field: string, rule: string, to: string) =>
    degradations.push({ pointer: `/message/${field}`, from: field, to, rule });
  if (message.previewUrl !== undefined) {
    drop(
      'previewUrl',
      'wechat_thumb_needs_media_id',
      'dropped (a thumbnail must be an uploaded thumb media id)',
    );
  }
  if (message.durationMs !== undefined) {
    drop('durationMs', 'wechat_no_duration', 'dropped (WeChat reads the duration from the upload)');
  }
  switch (message.mediaType) {
    case 'image':
    case 'audio':
      if (message.caption !== undefined) {
        drop('caption', 'wechat_no_caption', 'dropped (WeChat images and voice messages have no caption)');
      }
      if (message.fileName !== undefined) drop('fileName', 'wechat_no_file_name', 'dropped');
      return message.mediaType === 'image'
        ? { msgtype: 'image', payload: { media_id: mediaId }, degradations }
        : { msgtype: 'voice', payload: { media_id: mediaId }, degradations };
    case 'video':
      return {
        msgtype: 'video',
        payload: {
          media_id: mediaId,
          ...(options.videoThumbMediaId !== undefined ? { thumb_media_id: options.videoThumbMediaId } : {}),
          ...(message.fileName !== undefined ? { title: message.fileName } : {}),
          ...(message.caption !== undefined ? { description: message.caption } : {}),
        },
        degradations,
      };
    case 'file':
      // check() refuses files; this keeps render total.
      return text(message.caption ?? message.fileName ?? '[file]', [
        ...degradations,
        { pointer: '/message/mediaType', from: 'file', to: 'text', rule: 'wechat_no_file' },
      ]);
  }
}

function renderLocation(message: MessageOf<'location'>): WechatContent {
  const url = new URL('https://uri.amap.com/marker');
  url.searchParams.set('position', `${message.longitude},${message.latitude}`);
  if (message.title !== undefined) url.searchParams.set('name', message.title);
  const coords = `${message.latitude},${message.longitude}`;
  return text(paragraphs(message.title, message.address, link(url.toString(), message.title ?? coords)), [
    { pointer: '/message', from: 'location', to: 'text with a map link', rule: 'wechat_no_location' },
  ]);
}

function renderReceipt(message: MessageOf<'receipt'>): WechatContent {
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: message.currency });
  const items = message.elements.map((e) => {
    const qty = e.quantity !== undefined ? ` x${e.quantity}` : '';
    const sub = e.subtitle !== undefined ? ` (${e.subtitle})` : '';
    return `${e.title}${sub}${qty}: ${money.format(e.price)}`;
  });
  return text(
    paragraphs(
      `Order ${message.orderNumber}`,
      `For ${message.recipientName}, paid by ${message.paymentMethod}`,
      items.join('\n'),
      receiptTotals(message.summary, money).join('\n'),
    ),
    [{ pointer: '/message', from: 'receipt', to: 'formatted text', rule: 'wechat_no_receipt' }],
  );
}
