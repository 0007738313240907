/**
 * Length units providers count in. They differ per provider (../shared/providers.md §12), and an
 * emulator must count exactly as its provider does, so every connector uses these, never `.length`
 * without saying which unit it means.
 */

/** UTF-16 code units: what JavaScript's `.length` counts, and what LINE counts for message text. */
export function utf16Length(text: string): number {
  return text.length;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters (grapheme clusters): what LINE counts for labels and template fields. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** UTF-8 bytes: what Telegram counts for callback_data and Instagram for text. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Unicode code points: what Messenger and WhatsApp count, Telegram for text and captions (once
 * parsed; tdlib's utf8_length), and JSON Schema's `maxLength`.
 */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
