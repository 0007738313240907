/**
 * `parse_mode` applied the way Telegram applies it, before anything is counted: a call's `text` or
 * `caption` (and the caption of each InputMedia in a `media` array) is parsed into the text the user
 * will see plus its entities, or refused with Telegram's "can't parse entities: …". The call is
 * then validated with the visible text in place, so api.json's "0-1024 characters after entities
 * parsing" counts what Telegram counts, and the answer echoes the visible text with its entities.
 * Poll questions and explanations (their own `*_parse_mode`) are not parsed.
 */
import { isObj, type Obj } from '../../../lib/json.ts';
import type { MessageEntity, Parsed } from './entities.ts';
import { parseHtml } from './html.ts';
import { parseMarkdownV2 } from './markdown.ts';
import { parseMarkdown } from './markdown-legacy.ts';

/** Telegram reads the mode case-insensitively; "" and "none" mean plain text. */
const PARSERS: Record<string, (source: string) => Parsed> = {
  markdownv2: parseMarkdownV2,
  markdown: parseMarkdown,
  html: parseHtml,
};

type Formatted = { text: string; entities: MessageEntity[] };

export interface Markup {
  /** The parameters with every parsed text replaced by its visible text. */
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
  const mode = holder['parse_mode'];
  const name = typeof mode === 'string' ? mode.trim().toLowerCase() : '';
  if (name === '' || name === 'none') {
    // Without a parse mode the caller may give the entities themselves; they are echoed as given.
    const given = holder[field === 'text' ? 'entities' : 'caption_entities'];
    return Array.isArray(given) ? { text: source, entities: given as MessageEntity[] } : undefined;
  }
  const parser = PARSERS[name];
  if (parser === undefined) return { error: 'unsupported parse_mode' };
  const parsed = parser(source);
  return 'error' in parsed ? { error: `can't parse entities: ${parsed.error}` } : parsed;
}
