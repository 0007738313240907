/**
 * How a WeChat customer-service message carries each canonical kind. WeChat has msgtypes for text,
 * image / voice / video by uploaded media id, one-article `news` and `msgmenu` (a text with
 * tappable replies); everything else is degraded to those by an explicit rule (README.md) or
 * refused. Per-action and per-field degradations are recorded at render time.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const WECHAT_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: {
    support: 'native',
    refuses:
      'files (customer-service messages carry image, voice and video by media_id; link a file in a text)',
  },
  location: {
    support: 'degraded',
    to: 'text with the title, address and an <a href> link to the point on Amap',
    rule: 'wechat_no_location',
  },
  sticker: {
    support: 'refused',
    reason: 'WeChat customer-service messages have no sticker type; send an image by media id instead',
  },
  buttons: {
    support: 'degraded',
    to: 'msgmenu of the reply and message actions; links become <a href> links in the text, call numbers and location requests text lines',
    rule: 'wechat_url_as_link',
  },
  quick_replies: {
    support: 'degraded',
    to: 'msgmenu of the reply and message actions; links become <a href> links in the text, call numbers and location requests text lines',
    rule: 'wechat_url_as_link',
  },
  carousel: {
    support: 'degraded',
    to: 'one news article for one card with a link and no reply actions; otherwise text with one paragraph and <a href> link per card and the reply actions as numbered choices',
    rule: 'wechat_carousel_as_news',
  },
  list: {
    support: 'degraded',
    to: 'msgmenu: header, text and the list button’s label as head_content, one menu item per row (id = row id); section titles dropped',
    rule: 'wechat_list_as_msgmenu',
  },
  imagemap: {
    support: 'refused',
    reason: 'WeChat has no image with tappable areas; send a news article or a msgmenu instead',
  },
  template: {
    support: 'refused',
    reason:
      'WeChat template messages are a separate API (message/template/send with template_id and data), not a customer-service message',
  },
  receipt: { support: 'degraded', to: 'formatted text', rule: 'wechat_no_receipt' },
  sender_action: {
    support: 'native',
    refuses: 'mark_seen (an Official Account has no read marker)',
  },
  raw: { support: 'native' },
};
