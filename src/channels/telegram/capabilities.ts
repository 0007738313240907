/**
 * How Telegram carries each canonical kind. Telegram has no carousel, list, imagemap, receipt or
 * template objects; what it can show with text and keyboards is degraded (README.md says how, and
 * every change is recorded on the message), and templates, which need a stored body, are refused.
 * Per-action degradations (call buttons, message actions) are recorded at render time.
 */

import type { Capability } from '../../core/vocabulary/channel.ts';
import type { MessageKind } from '../../core/vocabulary/message.ts';

export const TELEGRAM_CAPABILITIES: Readonly<Record<MessageKind, Capability>> = {
  text: { support: 'native' },
  media: { support: 'native' },
  location: { support: 'native' },
  sticker: { support: 'native' },
  buttons: {
    support: 'degraded',
    to: 'inline keyboard; a message action becomes a callback button, a call button a text line, a location request a hint in the text',
    rule: 'telegram_no_call_button',
  },
  quick_replies: {
    support: 'degraded',
    to: 'one-time reply keyboard whose buttons send their title as text (the payload does not come back); links and call numbers become text lines',
    rule: 'telegram_keyboard_sends_text',
  },
  carousel: {
    support: 'degraded',
    to: 'one message of numbered cards (title, text, image link) with each card’s actions as inline buttons labelled "N. title"',
    rule: 'telegram_no_carousel',
  },
  list: {
    support: 'degraded',
    to: 'section titles and rows in the text, one inline button per row posting back its id',
    rule: 'telegram_no_list',
  },
  imagemap: {
    support: 'degraded',
    to: 'photo of the 1040px image with one inline button per area',
    rule: 'telegram_no_imagemap',
  },
  template: {
    support: 'refused',
    reason: 'Telegram has no message templates; render the text yourself and send `text`',
  },
  receipt: { support: 'degraded', to: 'formatted text', rule: 'telegram_no_receipt' },
  sender_action: {
    support: 'native',
    refuses: 'typing_off and mark_seen (a Telegram bot can only show typing)',
  },
  raw: { support: 'native' },
};
