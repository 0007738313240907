/**
 * How Instagram carries each canonical kind. Like Messenger (../messenger/capabilities.ts), with
 * Instagram's differences: receipts are degraded to text (no receipt template), and call buttons
 * become text lines (recorded at render time).
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const INSTAGRAM_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: { support: 'native' },
  location: {
    support: 'degraded',
    to: 'text with the title, address and a map link',
    rule: 'instagram_no_location',
  },
  sticker: {
    support: 'refused',
    reason: 'Instagram sends no stickers by id (only a heart); send the sticker image as `media`',
  },
  buttons: {
    support: 'degraded',
    to: 'button template; a message action becomes a postback of its text, a call button a text line, a location request is left out',
    rule: 'instagram_message_as_postback',
  },
  quick_replies: {
    support: 'degraded',
    to: 'text quick replies; a message reply posts back its text, links and call numbers become text lines, a location request is left out',
    rule: 'instagram_message_as_quick_reply',
  },
  carousel: { support: 'native' },
  list: {
    support: 'degraded',
    to: 'numbered rows in the text (a typed number is the row’s postback), a quick reply per row when at most 13',
    rule: 'instagram_no_list',
  },
  imagemap: {
    support: 'refused',
    reason: 'Instagram has no tappable image areas; send a `carousel` card with buttons',
  },
  template: {
    support: 'refused',
    reason:
      'Instagram has no pre-approved templates; within 7 days use options.instagram MESSAGE_TAG + HUMAN_AGENT',
  },
  receipt: { support: 'degraded', to: 'formatted text', rule: 'instagram_no_receipt' },
  sender_action: { support: 'native' },
  raw: { support: 'native' },
};
