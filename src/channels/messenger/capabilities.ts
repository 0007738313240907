/**
 * How Messenger carries each canonical kind (README.md has the detail). Messenger has no location,
 * list or imagemap message: a location and a list are degraded to text; imagemaps, stickers (no
 * sticker ids on the Send API) and pre-approved templates are refused.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const MESSENGER_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: { support: 'native' },
  location: {
    support: 'degraded',
    to: 'text with the title, address and a map link',
    rule: 'messenger_no_location',
  },
  sticker: {
    support: 'refused',
    reason: 'the Send API sends no stickers by id; send the sticker image as `media`',
  },
  buttons: {
    support: 'degraded',
    to: 'button template; a message action becomes a postback of its text, a location request is left out (the Send API has none)',
    rule: 'messenger_message_as_postback',
  },
  quick_replies: {
    support: 'degraded',
    to: 'text quick replies; a message reply posts back its text, links and call numbers become text lines, a location request is left out (Meta retired it)',
    rule: 'messenger_message_as_quick_reply',
  },
  carousel: { support: 'native' },
  list: {
    support: 'degraded',
    to: 'numbered rows in the text (a typed number is the row’s postback), a quick reply per row when at most 13',
    rule: 'messenger_no_list',
  },
  imagemap: {
    support: 'refused',
    reason: 'Messenger has no tappable image areas; send a `carousel` card with buttons',
  },
  template: {
    support: 'refused',
    reason:
      'Messenger has no pre-approved templates; outside the 24-hour window send with options.messenger.messagingType MESSAGE_TAG and a tag',
  },
  receipt: { support: 'native' },
  sender_action: { support: 'native' },
  raw: { support: 'native' },
};
