/**
 * Canonical actions as LINE action objects, and the small text helpers every renderer shares.
 */
import type { Action } from '../../core/vocabulary/message.ts';
import { utf16Length } from '../../lib/text.ts';
import { LINE_LIMITS } from './limits.ts';

/** A LINE wire object; the emulator validates the exact shape against LINE's OpenAPI document. */
export type LineObject = { [key: string]: unknown };

export function toLineAction(action: Action): LineObject {
  switch (action.type) {
    case 'reply':
      // displayText echoes the tap in the chat, as a quick reply does on every other channel.
      return { type: 'postback', label: action.title, data: action.payload, displayText: action.title };
    case 'url':
      return { type: 'uri', label: action.title, uri: action.url };
    case 'call':
      return { type: 'uri', label: action.title, uri: `tel:${action.phoneNumber}` };
    case 'message':
      return { type: 'message', label: action.title, text: action.text };
    case 'location_request':
      return { type: 'location', label: action.title };
  }
}

export function toQuickReplyItem(action: Action): LineObject {
  return { type: 'action', action: toLineAction(action) };
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts at a grapheme boundary so an emoji or a combining mark is never split. */
export function truncateUtf16(text: string, max: number): string {
  if (utf16Length(text) <= max) return text;
  let out = '';
  for (const { segment } of segmenter.segment(text)) {
    if (utf16Length(out) + utf16Length(segment) > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}

/** Alt text is what push notifications and old clients show; never empty, never over the limit. */
export function altText(...parts: Array<string | undefined>): string {
  const text = parts.filter((p): p is string => p !== undefined && p.trim() !== '').join(': ');
  return truncateUtf16(text === '' ? 'Message' : text, LINE_LIMITS.derivedAltText);
}

export function textMessage(text: string): LineObject {
  return { type: 'text', text };
}
