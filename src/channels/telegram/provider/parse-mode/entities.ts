/**
 * What Telegram makes of marked-up text: the visible text and its MessageEntity list, or the error
 * it answers after "can't parse entities: ". Shared by the MarkdownV2, Markdown and HTML parsers
 * (markdown.ts, html.ts), which follow Telegram's own parser (tdlib's MessageEntity.cpp) in what
 * they accept, refuse and how they word it, so a sandbox send fails exactly where Telegram's would.
 * Offsets and lengths are UTF-16 code units, as the Bot API counts them: JavaScript string indices
 * of the visible text, so no conversion is needed.
 */
export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
  language?: string;
  custom_emoji_id?: string;
  unix_time?: number;
  date_time_format?: string;
}

export type Parsed = { text: string; entities: MessageEntity[] } | { error: string };

/** Telegram reports positions in UTF-8 bytes of the source text. */
export function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

/** tdlib's is_space; past the end counts as space, as its NUL terminator does. */
export function isSpace(c: string): boolean {
  return c === '' || c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\f';
}

/** Telegram's order: by offset, the outer (longer) entity first. */
export function sortEntities(list: MessageEntity[]): MessageEntity[] {
  return list.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

/**
 * An inline link's entity. `tg://user?id=N` mentions that user (the sandbox knows no names, so the
 * user is "Sandbox"); a URL Telegram can open becomes a text_link, a bare host getting http:// as
 * Telegram adds it; anything else is dropped without an error and its text stays, as Telegram does.
 */
export function linkEntity(url: string, offset: number, length: number): MessageEntity | undefined {
  const mention = /^tg:\/\/user\?id=([1-9][0-9]{0,15})$/i.exec(url.trim());
  if (mention?.[1] !== undefined) {
    return {
      type: 'text_mention',
      offset,
      length,
      user: { id: Number(mention[1]), is_bot: false, first_name: 'Sandbox' },
    };
  }
  const u = url.trim();
  if (/^(https?|tg|ton):\/\/\S+$/i.test(u)) return { type: 'text_link', offset, length, url: u };
  if (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:[0-9]{1,5})?([/?#]\S*)?$/.test(u)) {
    return { type: 'text_link', offset, length, url: `http://${u}` };
  }
  return undefined;
}

/**
 * `![👍](tg://emoji?id=5368324170671202286)` is a custom emoji, `![22:45](tg://time?unix=…&format=wDT)`
 * a date_time. The custom emoji errors are Telegram's; the date_time one is ours.
 */
export function emojiOrTimeEntity(url: string, offset: number, length: number): MessageEntity | string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)\/?(?:\?([^#]*))?/.exec(url.trim());
  if (m?.[1]?.toLowerCase() !== 'tg') return 'Custom emoji URL must have scheme tg';
  const host = m[2]?.toLowerCase();
  const query = new URLSearchParams(m[3] ?? '');
  if (host === 'time') {
    const unix = Number(query.get('unix'));
    if (!Number.isSafeInteger(unix) || unix <= 0) return 'Date and time URL must have a positive unix time';
    const format = query.get('format');
    return {
      type: 'date_time',
      offset,
      length,
      unix_time: unix,
      ...(format ? { date_time_format: format } : {}),
    };
  }
  if (host !== 'emoji') return 'Custom emoji URL must have host "emoji"';
  const id = query.get('id');
  if (id === null || id === '') return 'Custom emoji URL must have an emoji identifier';
  return customEmoji(id, offset, length) ?? 'Invalid custom emoji identifier specified';
}

/** A custom emoji id is a positive 64-bit integer. */
export function customEmoji(id: string, offset: number, length: number): MessageEntity | undefined {
  if (!/^[0-9]{1,19}$/.test(id) || BigInt(id) === 0n || BigInt(id) > 9_223_372_036_854_775_807n) {
    return undefined;
  }
  return { type: 'custom_emoji', offset, length, custom_emoji_id: id };
}
