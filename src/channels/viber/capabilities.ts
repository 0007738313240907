/**
 * How Viber carries each canonical kind. Viber has text, picture, video, file, location, sticker,
 * url and rich_media messages plus a keyboard any message can carry; what it lacks is degraded
 * (README.md says how, and each change is recorded on the message) or refused with a reason.
 */
import type { MessageKind } from '../../core/message.ts';
import type { Capability } from '../types.ts';

export const VIBER_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: { support: 'native' },
  location: { support: 'native' },
  sticker: { support: 'native' },
  buttons: { support: 'native' },
  quick_replies: { support: 'native' },
  carousel: { support: 'native' },
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
