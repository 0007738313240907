/**
 * A `parse_mode` applied to a text or caption the way the Bot API applies it (telegram-bot-api
 * Client::get_formatted_text): the mode is read case-insensitively, "" and "none" leave the text
 * as it is, any other unknown mode is refused, and the parsers follow tdlib's own.
 */
import type { MessageEntity, Parsed } from './entities.ts';
import { parseHtml } from './html.ts';
import { parseMarkdownV2 } from './markdown.ts';
import { parseMarkdown } from './markdown-legacy.ts';

const PARSERS: Record<string, (source: string) => Parsed> = {
  markdownv2: parseMarkdownV2,
  markdown: parseMarkdown,
  html: parseHtml,
};

/** True when `mode` makes Telegram parse the text (a mode Telegram does not know included). */
export function parsesMarkup(mode: unknown): boolean {
  const name = typeof mode === 'string' ? mode.trim().toLowerCase() : '';
  return name !== '' && name !== 'none';
}

/**
 * The text and entities Telegram makes of `source` under `mode`, or its refusal as the
 * description after "Bad Request: ". Without a mode the text is taken as given, with `entities`.
 */
export function parseWithMode(
  source: string,
  mode: unknown,
  entities: MessageEntity[] = [],
): { text: string; entities: MessageEntity[] } | { error: string } {
  if (!parsesMarkup(mode)) return { text: source, entities };
  const parser = PARSERS[String(mode).trim().toLowerCase()];
  if (parser === undefined) return { error: 'unsupported parse_mode' };
  const parsed = parser(source);
  return 'error' in parsed ? { error: `can't parse entities: ${parsed.error}` } : parsed;
}
