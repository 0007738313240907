/**
 * What Telegram stores and counts of a message text or caption once its markup is parsed.
 *
 * The Bot API documents "1-4096 characters after entities parsing" for `text` and "0-1024" for
 * `caption` (https://core.telegram.org/bots/api#sendmessage, #sendphoto). How: the Bot API server
 * (tdlib/telegram-bot-api, Client::get_formatted_text) first refuses a source over 2^15 UTF-8
 * bytes ("Text is too long"), parses the markup, and hands the result to tdlib, whose
 * fix_formatted_text (td/telegram/MessageEntity.cpp) cleans it (clean_input_string in
 * td/telegram/misc.cpp: control characters become spaces, `\r` and a few invisible marks go) and
 * trims spaces and line breaks at both ends (at the start only before the first entity); a text
 * left empty is refused. The limit is then checked on what remains in Unicode characters, not
 * UTF-16 units (td/telegram/MessageContent.cpp: `utf8_length(text) > message_text_length_max`,
 * "Message is too long"; `message_caption_length_max`, "Message caption is too long").
 */
import { codePointLength } from '../../../../lib/text.ts';
import { TELEGRAM_LIMITS } from '../../limits.ts';
import type { MessageEntity } from './entities.ts';
import { parseWithMode } from './parse.ts';

/** telegram-bot-api Client::get_formatted_text: `text.size() > (1 << 15)` → "Text is too long". */
export const MAX_SOURCE_BYTES = TELEGRAM_LIMITS.sourceBytes;

/** Characters as tdlib counts them for the length limits (utf8_length: code points). */
export const telegramLength = codePointLength;

/** U+2028..U+202E (line and paragraph separators, bidi embeddings) and three combining marks. */
const REMOVED = new Set([0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x0333, 0x033f, 0x030a]);

const isTrimmed = (c: string | undefined) => c === ' ' || c === '\n';

/**
 * The text as Telegram keeps it, with the entities moved to match: cleaned as clean_input_string
 * does (every control character but `\n` becomes a space, `\r` is removed, REMOVED are removed),
 * then trimmed of spaces and line breaks at the end, and at the start up to the first entity.
 * An entity left empty is dropped. An empty `text` means Telegram found nothing to send.
 */
export function asTelegramKeepsIt(
  text: string,
  entities: MessageEntity[] = [],
): { text: string; entities: MessageEntity[] } {
  // `at[i]`: where source unit i lands in the cleaned text (the count of units kept before it).
  const at: number[] = [];
  let cleaned = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    for (let k = 0; k < ch.length; k++) at.push(cleaned.length);
    if (code === 0x0d || REMOVED.has(code)) continue;
    cleaned += code < 0x20 && code !== 0x0a ? ' ' : ch;
  }
  at.push(cleaned.length);
  const moved = entities
    .map((e) => {
      const start = at[Math.min(e.offset, text.length)] ?? cleaned.length;
      const end = at[Math.min(e.offset + e.length, text.length)] ?? cleaned.length;
      return { ...e, offset: start, length: end - start };
    })
    .filter((e) => e.length > 0);

  let end = cleaned.length;
  while (end > 0 && isTrimmed(cleaned[end - 1])) end--;
  const firstEntity = moved.reduce((min, e) => Math.min(min, e.offset), end);
  let start = 0;
  while (start < Math.min(end, firstEntity) && isTrimmed(cleaned[start])) start++;
  const kept = moved
    .map((e) => {
      const from = Math.max(e.offset, start);
      const to = Math.min(e.offset + e.length, end);
      return { ...e, offset: from - start, length: to - from };
    })
    .filter((e) => e.length > 0);
  return { text: cleaned.slice(start, end), entities: kept };
}

/**
 * The characters Telegram counts in a text or caption sent with `mode`: what is left once the
 * markup is parsed and the text cleaned and trimmed as Telegram keeps it; undefined when Telegram
 * cannot parse the markup.
 */
export function visibleChars(source: string, mode: unknown): number | undefined {
  const parsed = parseWithMode(source, mode);
  return 'error' in parsed ? undefined : telegramLength(asTelegramKeepsIt(parsed.text, parsed.entities).text);
}
