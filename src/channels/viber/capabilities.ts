/**
 * How Viber carries each canonical kind. Viber has text, picture, video, file, location, sticker,
 * url and rich_media messages plus a keyboard any message can carry; what it lacks is degraded
 * (README.md says how, and each change is recorded on the message) or refused with a reason.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const VIBER_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: {
    support: 'degraded',
    to: 'picture natively; video and file as Viber video and file messages when options.viber.mediaSize gives their size, otherwise a link (with the caption, a text); audio, which Viber lacks, as a file or a link',
    rule: 'viber_media_size_unknown',
  },
  location: {
    support: 'degraded',
    to: 'location pin; the title and address are left out (a Viber location carries none)',
    rule: 'viber_location_no_label',
  },
  sticker: { support: 'native' },
  buttons: {
    support: 'degraded',
    to: 'rich media buttons; a call button shows "title: number" and does nothing (Viber buttons cannot dial)',
    rule: 'viber_no_call_button',
  },
  quick_replies: {
    support: 'degraded',
    to: 'keyboard; a call reply shows "title: number" and does nothing (Viber buttons cannot dial)',
    rule: 'viber_no_call_button',
  },
  carousel: {
    support: 'degraded',
    to: 'rich media carousel of up to 6 cards; more become numbered text with a keyboard of their reply actions',
    rule: 'viber_carousel_too_many_cards',
  },
  list: {
    support: 'degraded',
    to: 'text with numbered rows and a keyboard of one reply button per row (typing the number also works)',
    rule: 'viber_no_list',
  },
  imagemap: {
    support: 'refused',
    reason: 'Viber has no tappable image regions; send a carousel or buttons message instead',
  },
  template: {
    support: 'refused',
    reason: 'Viber bots have no stored message templates; render the text yourself and send `text`',
  },
  receipt: { support: 'degraded', to: 'formatted text', rule: 'viber_no_receipt' },
  sender_action: {
    support: 'refused',
    reason: 'The Viber bot API has no typing indicator or mark-as-read call',
  },
  raw: { support: 'native' },
};
