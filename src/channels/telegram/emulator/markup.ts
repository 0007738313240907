/**
 * `parse_mode` applied the way Telegram applies it, before anything is counted: a call's `text` or
 * `caption` (and the caption of each InputMedia in a `media` array) is parsed into the text the user
 * will see plus its entities, or refused with Telegram's "can't parse entities: …", and then
 * cleaned and trimmed as Telegram keeps it (../parse-mode/visible-text.ts). The call is validated
 * with that text in place, so api.json's "0-1024 characters after entities parsing" counts what
 * Telegram counts, and the answer echoes the kept text with its entities. A source over 2^15
 * bytes is refused before parsing, as the Bot API server does. Poll questions and explanations
 * (their own `*_parse_mode`) are not parsed.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import { utf8Length } from '../../../lib/text.ts';
import type { MessageEntity } from '../provider/parse-mode/entities.ts';
import { parseWithMode } from '../provider/parse-mode/parse.ts';
import { asTelegramKeepsIt, MAX_SOURCE_BYTES } from '../provider/parse-mode/visible-text.ts';

type Formatted = { text: string; entities: MessageEntity[] };

export interface Markup {
  /** The parameters with every parsed text replaced by the text Telegram keeps. */
  params: Obj;
  /** The entities of `text` / `caption`: parsed, or as the caller gave them without a parse mode. */
  entities: { text?: MessageEntity[]; caption?: MessageEntity[] };
  /** The caption entities of each item of a `media` array, by index. */
  media: Array<MessageEntity[] | undefined>;
}

/** The parameters as Telegram sees them after parsing, or the description after "Bad Request: ". */
export function applyMarkup(params: Obj, takesParseMode: boolean): Markup | { error: string } {
  const markup: Markup = { params: { ...params }, entities: {}, media: [] };
  if (takesParseMode) {
    for (const field of ['text', 'caption'] as const) {
      const formatted = format(params, field);
      if (formatted === undefined) continue;
      if ('error' in formatted) return formatted;
      markup.params[field] = formatted.text;
      markup.entities[field] = formatted.entities;
    }
  }
  const media = params['media'];
  if (Array.isArray(media)) {
    const items: unknown[] = [];
    for (const item of media) {
      const formatted = isObj(item) ? format(item, 'caption') : undefined;
      if (formatted !== undefined && 'error' in formatted) return formatted;
      items.push(formatted === undefined ? item : { ...(item as Obj), caption: formatted.text });
      markup.media.push(formatted?.entities);
    }
    markup.params['media'] = items;
  }
  return markup;
}

function format(holder: Obj, field: 'text' | 'caption'): Formatted | { error: string } | undefined {
  const source = holder[field];
  if (typeof source !== 'string' || source === '') return undefined;
  if (utf8Length(source) > MAX_SOURCE_BYTES) return { error: 'text is too long' };
  // Without a parse mode the caller may give the entities themselves; they are kept as given.
  const given = holder[field === 'text' ? 'entities' : 'caption_entities'];
  const parsed = parseWithMode(
    source,
    holder['parse_mode'],
    Array.isArray(given) ? (given as MessageEntity[]) : [],
  );
  if ('error' in parsed) return parsed;
  return asTelegramKeepsIt(parsed.text, parsed.entities);
}
