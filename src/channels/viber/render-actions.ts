/**
 * Canonical actions as Viber buttons, the one object keyboards and rich media cells share. Viber
 * has no postback: a `reply` button sends its ActionBody as the person's text message, so a reply
 * action's payload travels there and comes back as the text of a `message` event.
 */

import type { Degradation } from '../../core/vocabulary/channel.ts';
import type { Action } from '../../core/vocabulary/message.ts';

export interface ViberButton {
  Columns?: number;
  Rows?: number;
  ActionType: 'reply' | 'open-url' | 'location-picker' | 'share-phone' | 'none';
  ActionBody: string;
  Text?: string;
  Image?: string;
  BgColor?: string;
  TextSize?: 'small' | 'regular' | 'large';
  TextVAlign?: 'top' | 'middle' | 'bottom';
  TextHAlign?: 'left' | 'center' | 'right';
}

/** Viber cell and button text is an HTML subset: the person's words must not become markup. */
export function escapeViberHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The action part of a button; layout (Columns, Rows, colours) is the caller's. */
export function viberAction(
  action: Action,
  pointer: string,
  label: string,
  d: Degradation[],
): Pick<ViberButton, 'ActionType' | 'ActionBody' | 'Text'> {
  const Text = escapeViberHtml(label);
  switch (action.type) {
    case 'reply':
      return { ActionType: 'reply', ActionBody: action.payload, Text };
    case 'message':
      return { ActionType: 'reply', ActionBody: action.text, Text };
    case 'url':
      return { ActionType: 'open-url', ActionBody: action.url, Text };
    case 'location_request':
      // Viber wants some text in ActionBody even for the picker; the location arrives as a message.
      return { ActionType: 'location-picker', ActionBody: 'location', Text };
    case 'call':
      d.push({
        pointer,
        from: 'call action',
        to: 'button showing "title: number" that does nothing when tapped (Viber buttons cannot dial)',
        rule: 'viber_no_call_button',
      });
      return {
        ActionType: 'none',
        ActionBody: action.phoneNumber,
        Text: escapeViberHtml(`${label}: ${action.phoneNumber}`),
      };
  }
}

/** A keyboard of full-width, one-row buttons, as `keyboard` on any message. */
export function viberKeyboard(buttons: Array<Pick<ViberButton, 'ActionType' | 'ActionBody' | 'Text'>>): {
  Type: 'keyboard';
  DefaultHeight: boolean;
  Buttons: ViberButton[];
} {
  return {
    Type: 'keyboard',
    DefaultHeight: false,
    Buttons: buttons.map((b) => ({ Columns: 6, Rows: 1, ...b })),
  };
}
