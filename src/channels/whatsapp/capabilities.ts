/**
 * How WhatsApp carries each canonical kind. "degraded" means some of the content changes form (and
 * the change is recorded on the message); nothing is ever dropped silently.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const WHATSAPP_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: { support: 'native' },
  location: { support: 'native' },
  sticker: { support: 'native' },
  buttons: {
    support: 'degraded',
    to: '1–3 replies as reply buttons, one link as a CTA URL button; 4–10 replies become a list; anything else numbered text',
    rule: 'whatsapp_numbered_choices',
  },
  quick_replies: {
    support: 'degraded',
    to: '1–3 replies as reply buttons; 4–10 become a list; other actions or more replies numbered text',
    rule: 'whatsapp_list_for_many_replies',
  },
  carousel: {
    support: 'degraded',
    to: 'media carousel when 2–10 cards all have an image and one URL button or the same 1–2 replies; otherwise one interactive message (one card) or numbered text',
    rule: 'whatsapp_numbered_choices',
  },
  list: { support: 'native' },
  imagemap: {
    support: 'refused',
    reason: 'WhatsApp has no image with tappable areas; send an image and buttons instead',
  },
  template: { support: 'native' },
  receipt: { support: 'degraded', to: 'formatted text', rule: 'whatsapp_no_receipt' },
  sender_action: {
    support: 'refused',
    reason:
      'WhatsApp shows typing and read marks only against a message it received from the person (status "read" with that message\'s wamid); send them as a raw payload {status: "read", message_id, typing_indicator?}',
  },
  raw: { support: 'native' },
};
