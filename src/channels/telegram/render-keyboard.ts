/**
 * Canonical actions as Telegram buttons. Inline keyboards carry `reply` (callback_data) and `url`
 * natively; what they cannot do is degraded and recorded: a `message` action becomes a callback
 * button whose data is the text, and `call` / `location_request` become lines of the message text
 * (inline buttons cannot dial or ask for a location).
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { Action } from '../../core/vocabulary/message.ts';

export interface InlineKeyboardButton {
  text: string;
  url?: string;
  callback_data?: string;
}

export interface KeyboardButton {
  text: string;
  request_location?: boolean;
}

/** What one action turned into: a button, or a line to append to the text. */
export type Rendered = { button: InlineKeyboardButton } | { line: string };

export const LOCATION_HINT = 'send your location with 📎 → Location';

export function inlineAction(
  action: Action,
  pointer: string,
  label: string,
  degradations: Degradation[],
): Rendered {
  switch (action.type) {
    case 'reply':
      return { button: { text: label, callback_data: action.payload } };
    case 'url':
      return { button: { text: label, url: action.url } };
    case 'message':
      degradations.push({
        pointer,
        from: 'message action',
        to: 'callback button whose data is the text (the tap arrives as a postback)',
        rule: 'telegram_message_as_callback',
      });
      return { button: { text: label, callback_data: action.text } };
    case 'call':
      degradations.push({
        pointer,
        from: 'call action',
        to: 'text line "title: number" (Telegram buttons cannot dial)',
        rule: 'telegram_no_call_button',
      });
      return { line: `${label}: ${action.phoneNumber}` };
    case 'location_request':
      degradations.push({
        pointer,
        from: 'location_request action',
        to: 'text hint (inline buttons cannot ask for a location)',
        rule: 'telegram_inline_no_location',
      });
      return { line: `${label}: ${LOCATION_HINT}` };
  }
}

/** One button per row, as Telegram lays out long labels best. */
export function inlineKeyboard(buttons: InlineKeyboardButton[]): {
  inline_keyboard: InlineKeyboardButton[][];
} {
  return { inline_keyboard: buttons.map((b) => [b]) };
}
