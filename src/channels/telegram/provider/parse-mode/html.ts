/**
 * Telegram's HTML mode, ported from its parser so the sandbox refuses what Telegram refuses: only
 * its tags (b, strong, i, em, u, ins, s, strike, del, span class="tg-spoiler", tg-spoiler, a href,
 * tg-emoji, tg-time, code, pre, blockquote [expandable]), closed innermost first (`</>` closes
 * any), and only the character references &lt; &gt; &amp; &quot; and numeric ones (the `;` is
 * optional); any other `&` is a plain character, while a bare `<` is always a tag and so an error.
 */
import {
  byteOffset,
  customEmoji,
  isSpace,
  linkEntity,
  type MessageEntity,
  type Parsed,
  sortEntities,
} from './entities.ts';

const TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const ATTRIBUTE_NAME_END = new Set(['=', '>', '/', '"', "'"]);

const NAMED: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };

interface OpenTag {
  name: string;
  attrs: Record<string, string>;
  offset: number;
}

export function parseHtml(s: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  const at = (i: number) => byteOffset(s, i);
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '&') {
      const decoded = decodeReference(s, i);
      if (decoded !== undefined) {
        out += decoded.char;
        i = decoded.end - 1;
        continue;
      }
    }
    if (c !== '<') {
      out += c;
      continue;
    }
    const begin = i++;
    if (s.charAt(i) !== '/') {
      while (!isSpace(s.charAt(i)) && s.charAt(i) !== '>') i++;
      if (i >= s.length) return { error: `Unclosed start tag at byte offset ${at(begin)}` };
      const name = s.slice(begin + 1, i).toLowerCase();
      if (!TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${at(begin)}` };
      const attrs: Record<string, string> = {};
      while (s.charAt(i) !== '>') {
        while (i < s.length && isSpace(s.charAt(i))) i++;
        if (s.charAt(i) === '>') break;
        const nameBegin = i;
        while (!isSpace(s.charAt(i)) && !ATTRIBUTE_NAME_END.has(s.charAt(i))) i++;
        const attr = s.slice(nameBegin, i);
        if (attr === '') {
          return { error: `Empty attribute name in the tag "${name}" at byte offset ${at(begin)}` };
        }
        while (i < s.length && isSpace(s.charAt(i))) i++;
        if (s.charAt(i) !== '=') {
          // A valueless attribute, as in <blockquote expandable>.
          if (i >= s.length) return { error: `Unclosed start tag "${name}" at byte offset ${at(begin)}` };
          attrs[attr] = '';
          continue;
        }
        i++;
        while (i < s.length && isSpace(s.charAt(i))) i++;
        if (i >= s.length) return { error: `Unclosed start tag "${name}" at byte offset ${at(begin)}` };
        let value = '';
        const q = s.charAt(i);
        if (q !== '"' && q !== "'") {
          // An unquoted value is a name token, case-insensitive.
          const tokenBegin = i;
          while (/^[A-Za-z0-9.-]$/.test(s.charAt(i))) i++;
          value = s.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(s.charAt(i)) && s.charAt(i) !== '>') {
            return { error: `Unexpected end of name token at byte offset ${at(tokenBegin)}` };
          }
        } else {
          i++;
          while (i < s.length && s.charAt(i) !== q) {
            const decoded = s.charAt(i) === '&' ? decodeReference(s, i) : undefined;
            if (decoded !== undefined) {
              value += decoded.char;
              i = decoded.end;
            } else value += s.charAt(i++);
          }
          if (s.charAt(i) === q) i++;
        }
        if (i >= s.length) return { error: `Unclosed start tag at byte offset ${at(begin)}` };
        attrs[attr] = value;
      }
      const spanClass = attrs['class'];
      if (name === 'span' && spanClass !== 'tg-spoiler') {
        return { error: `Tag "span" must have class "tg-spoiler" at byte offset ${at(begin)}` };
      }
      open.push({ name, attrs, offset: out.length });
      continue;
    }

    if (open.length === 0) return { error: `Unexpected end tag at byte offset ${at(begin)}` };
    while (!isSpace(s.charAt(i)) && s.charAt(i) !== '>') i++;
    const endName = s.slice(begin + 2, i).toLowerCase();
    while (i < s.length && isSpace(s.charAt(i))) i++;
    if (s.charAt(i) !== '>') return { error: `Unclosed end tag at byte offset ${at(begin)}` };
    const top = open.pop() as OpenTag;
    if (endName !== '' && endName !== top.name) {
      return {
        error: `Unmatched end tag at byte offset ${at(begin)}, expected "</${top.name}>", found "</${endName}>"`,
      };
    }
    if (out.length > top.offset) {
      const problem = closeTag(top, out, entities);
      if (problem !== undefined) return { error: problem };
    }
  }
  const left = open.at(-1);
  if (left !== undefined) return { error: `Can't find end tag corresponding to start tag "${left.name}"` };
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(out)) {
    return {
      error:
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    };
  }
  // A code block's language lives on its pre; a lone <code class="language-x"> has none.
  for (const e of entities) if (e.type === 'code') delete e.language;
  return { text: out, entities: sortEntities(entities) };
}

/** Adds the entity a closed, non-empty tag makes; returns Telegram's error if it cannot. */
function closeTag(tag: OpenTag, out: string, entities: MessageEntity[]): string | undefined {
  const offset = tag.offset;
  const length = out.length - offset;
  const add = (type: string): undefined => {
    entities.push({ type, offset, length });
    return undefined;
  };
  const last = entities.at(-1);
  const sameSpan = last !== undefined && last.offset === offset && last.length === length;
  switch (tag.name) {
    case 'b':
    case 'strong':
      return add('bold');
    case 'i':
    case 'em':
      return add('italic');
    case 'u':
    case 'ins':
      return add('underline');
    case 's':
    case 'strike':
    case 'del':
      return add('strikethrough');
    case 'tg-spoiler':
    case 'span':
      return add('spoiler');
    case 'blockquote':
      return add(tag.attrs['expandable'] !== undefined ? 'expandable_blockquote' : 'blockquote');
    case 'tg-emoji': {
      const emoji = customEmoji(tag.attrs['emoji-id'] ?? '', offset, length);
      if (emoji === undefined) return 'Invalid custom emoji identifier specified';
      entities.push(emoji);
      return undefined;
    }
    case 'tg-time': {
      const unix = Number(tag.attrs['unix']);
      if (!Number.isSafeInteger(unix) || unix <= 0)
        return 'Tag "tg-time" must have a positive "unix" attribute';
      const format = tag.attrs['format'];
      entities.push({
        type: 'date_time',
        offset,
        length,
        unix_time: unix,
        ...(format ? { date_time_format: format } : {}),
      });
      return undefined;
    }
    case 'a': {
      const href = tag.attrs['href'];
      const link = linkEntity(href !== undefined && href !== '' ? href : out.slice(offset), offset, length);
      if (link !== undefined) entities.push(link);
      return undefined;
    }
    case 'code': {
      const cls = tag.attrs['class'];
      const language = cls?.startsWith('language-') ? cls.slice('language-'.length) : '';
      if (sameSpan && last.type === 'pre' && language !== '') last.language = language;
      else entities.push({ type: 'code', offset, length, ...(language !== '' ? { language } : {}) });
      return undefined;
    }
    case 'pre':
      if (sameSpan && last.type === 'code' && last.language !== undefined) last.type = 'pre';
      else add('pre');
      return undefined;
    default:
      return undefined;
  }
}

/** `&lt;`, `&gt;`, `&amp;`, `&quot;`, `&#NN;`, `&#xHH;`, the `;` optional; undefined if none applies. */
function decodeReference(s: string, pos: number): { char: string; end: number } | undefined {
  let end = pos + 1;
  let code = 0;
  if (s.charAt(pos + 1) === '#') {
    end++;
    const hex = s.charAt(pos + 2) === 'x';
    if (hex) end++;
    const digit = hex ? /^[0-9a-fA-F]$/ : /^[0-9]$/;
    while (digit.test(s.charAt(end))) code = code * (hex ? 16 : 10) + Number.parseInt(s.charAt(end++), 16);
    if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
  } else {
    while (/^[A-Za-z]$/.test(s.charAt(end))) end++;
    const named = NAMED[s.slice(pos + 1, end)];
    if (named === undefined) return undefined;
    code = named;
  }
  if (s.charAt(end) === ';') end++;
  return { char: String.fromCodePoint(code), end };
}
