/**
 * How LINE carries each canonical kind. "degraded" means some of the content changes form (and the
 * change is recorded on the message); nothing is ever dropped silently.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const LINE_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: {
    support: 'degraded',
    to: 'image, video and audio natively; a file becomes a text message with its name and link (LINE bots cannot send files); a caption becomes a text message after the media',
    rule: 'line_no_file',
  },
  location: {
    support: 'degraded',
    to: 'location; a point without a title or address is labelled with its coordinates (LINE requires both)',
    rule: 'line_location_requires_title_and_address',
  },
  sticker: { support: 'native' },
  buttons: {
    support: 'native',
    refuses: 'a location_request button (LINE asks for a location only from a quick reply)',
  },
  quick_replies: { support: 'native' },
  carousel: { support: 'native' },
  list: {
    support: 'degraded',
    to: 'Flex bubble headed by the list’s button text, whose rows post back their id when tapped; past LINE’s 30 KB per bubble the rows spread over up to 5 bubbles, past that numbered text (a typed number is the row’s postback)',
    rule: 'line_no_list',
  },
  imagemap: { support: 'native' },
  template: { support: 'refused', reason: 'LINE has no stored message templates; send the content itself' },
  receipt: {
    support: 'degraded',
    to: 'Flex bubble laid out as a receipt; past LINE’s 30 KB per bubble the items spread over up to 5 bubbles, past that formatted text',
    rule: 'line_no_receipt',
  },
  sender_action: {
    support: 'native',
    refuses: 'typing_off and mark_seen (a LINE bot can only show its loading indicator)',
  },
  raw: { support: 'native' },
};
