/**
 * Telegram's legacy Markdown (`parse_mode: "Markdown"`), ported from its parser: `*bold*`,
 * `_italic_`, `` `code` ``, ```` ```pre``` ```` and `[text](url)`, no nesting, nothing reserved, and
 * only those four characters can be escaped. Kept for callers of old bots; Telegram recommends
 * MarkdownV2.
 */
import { byteOffset, linkEntity, type MessageEntity, type Parsed, sortEntities } from './entities.ts';
import { preStart } from './markdown.ts';

const LEGACY = new Set('_*`[');

export function parseMarkdown(s: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\\' && LEGACY.has(s.charAt(i + 1))) {
      out += s.charAt(++i);
      continue;
    }
    if (!LEGACY.has(c)) {
      out += c;
      continue;
    }
    const begin = i;
    const endChar = c === '[' ? ']' : c;
    let pre = false;
    let language = '';
    i++;
    if (c === '`' && s.startsWith('``', i)) {
      pre = true;
      const start = preStart(s, i + 2);
      if (start.kind === 'PreCode') language = start.arg;
      i = start.i + 1;
    }
    const offset = out.length;
    while (i < s.length && (s.charAt(i) !== endChar || (pre && !s.startsWith('``', i + 1))))
      out += s.charAt(i++);
    if (i === s.length) {
      return { error: `Can't find end of the entity starting at byte offset ${byteOffset(s, begin)}` };
    }
    const length = out.length - offset;
    if (length > 0) {
      if (c === '[') {
        let url = s.slice(begin + 1, i);
        if (s.charAt(i + 1) === '(') {
          const close = s.indexOf(')', i + 2);
          const end = close < 0 ? s.length : close;
          url = s.slice(i + 2, end);
          i = end;
        }
        const link = linkEntity(url, offset, length);
        if (link !== undefined) entities.push(link);
      } else if (pre) {
        entities.push({ type: 'pre', offset, length, ...(language !== '' ? { language } : {}) });
      } else {
        entities.push({ type: c === '_' ? 'italic' : c === '*' ? 'bold' : 'code', offset, length });
      }
    }
    if (pre) i += 2;
  }
  return { text: out, entities: sortEntities(entities) };
}
