/**
 * Telegram's MarkdownV2, ported from its parser so the sandbox refuses exactly what Telegram
 * refuses: every reserved character outside an entity must be escaped, entities nest but close
 * innermost first, `>` starts a block quote only at a line start, and a quote whose last line ends
 * with `||` is expandable. (Legacy Markdown: markdown-legacy.ts.)
 */
import {
  byteOffset,
  emojiOrTimeEntity,
  isSpace,
  linkEntity,
  type MessageEntity,
  type Parsed,
  sortEntities,
} from './entities.ts';

/** Outside code, `\n` is "reserved" too: it ends a block quote whose next line has no `>`. */
const RESERVED = new Set('_*[]()~`>#+-=|{}.!\n');

/** tdlib's names, as its error messages use them. */
type Kind =
  | 'Bold'
  | 'Italic'
  | 'Underline'
  | 'Strikethrough'
  | 'Spoiler'
  | 'Code'
  | 'Pre'
  | 'PreCode'
  | 'TextUrl'
  | 'CustomEmoji'
  | 'BlockQuote';

interface Open {
  kind: Kind;
  /** PreCode: the language. */
  arg: string;
  /** Where the entity starts in the visible text. */
  offset: number;
  /** Where its markup starts in the source (for error positions). */
  at: number;
}

const API_TYPE: Record<Kind | 'ExpandableBlockQuote', string> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
  Pre: 'pre',
  PreCode: 'pre',
  TextUrl: 'text_link',
  CustomEmoji: 'custom_emoji',
  BlockQuote: 'blockquote',
  ExpandableBlockQuote: 'expandable_blockquote',
};

const escapable = (s: string, i: number) => {
  const code = s.charCodeAt(i);
  return code >= 1 && code <= 126;
};

const reserved = (c: string): Parsed => ({
  error: `Character '${c}' is reserved and must be escaped with the preceding '\\'`,
});

export function parseMarkdownV2(s: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  const open: Open[] = [];
  let quote = false;
  let canQuote = true;
  const unclosed = (o: Open): Parsed => ({
    error: `Can't find end of ${o.kind} entity at byte offset ${byteOffset(s, o.at)}`,
  });
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\\' && escapable(s, i + 1)) {
      out += s.charAt(++i);
      if (s.charAt(i) !== '\r') canQuote = s.charAt(i) === '\n';
      continue;
    }
    const top = open.at(-1);
    const inCode = top?.kind === 'Code' || top?.kind === 'Pre' || top?.kind === 'PreCode';
    if (inCode ? c !== '`' : !RESERVED.has(c)) {
      out += c;
      if (c !== '\r') canQuote = false;
      continue;
    }

    if (top === undefined || !closes(top, s, i, quote)) {
      const at = i;
      let kind: Kind;
      let arg = '';
      switch (c) {
        case '_':
          kind = s.charAt(i + 1) === '_' ? 'Underline' : 'Italic';
          if (kind === 'Underline') i++;
          break;
        case '*':
          kind = 'Bold';
          break;
        case '~':
          kind = 'Strikethrough';
          break;
        case '|':
          if (s.charAt(i + 1) !== '|') return reserved(c);
          kind = 'Spoiler';
          i++;
          break;
        case '[':
          kind = 'TextUrl';
          break;
        case '!':
          if (s.charAt(i + 1) !== '[') return reserved(c);
          kind = 'CustomEmoji';
          i++;
          break;
        case '`':
          if (!s.startsWith('```', i)) {
            kind = 'Code';
            break;
          }
          ({ kind, arg, i } = preStart(s, i + 3));
          break;
        case '\n':
          out += '\n';
          canQuote = true;
          continue;
        case '>':
          if (!canQuote) return reserved(c);
          if (quote) continue;
          kind = 'BlockQuote';
          quote = true;
          break;
        default:
          return reserved(c);
      }
      open.push({ kind, arg, offset: out.length, at });
      continue;
    }

    let kind: Kind | 'ExpandableBlockQuote' = top.kind;
    if (c === '\n' && kind !== 'BlockQuote') {
      // Only a `||` just before the quote's line end may stay open: it marks the quote expandable.
      const mark = kind === 'Spoiler' && (top.at === i - 2 || (top.at === i - 3 && out.endsWith('\r')));
      if (!mark) return unclosed(top);
      open.pop();
      const outer = open.at(-1);
      if (outer?.kind !== 'BlockQuote') return unclosed(outer ?? top);
      kind = 'ExpandableBlockQuote';
    }
    const o = open.at(-1) ?? top;
    let skip = out.length === o.offset;
    let entity: MessageEntity | undefined;
    switch (kind) {
      case 'Underline':
      case 'Spoiler':
        i++;
        break;
      case 'Pre':
      case 'PreCode':
        i += 2;
        break;
      case 'TextUrl': {
        let url = out.slice(o.offset);
        if (s.charAt(i + 1) === '(') {
          const read = readUrl(s, i + 2);
          if (read === undefined)
            return { error: `Can't find end of a URL at byte offset ${byteOffset(s, i + 2)}` };
          ({ url, end: i } = read);
        }
        entity = linkEntity(url, o.offset, out.length - o.offset);
        if (entity === undefined) skip = true;
        break;
      }
      case 'CustomEmoji': {
        if (s.charAt(i + 1) !== '(') return { error: 'Custom emoji entity must contain a tg://emoji URL' };
        const read = readUrl(s, i + 2);
        if (read === undefined) {
          return { error: `Can't find end of a custom emoji URL at byte offset ${byteOffset(s, i + 2)}` };
        }
        i = read.end;
        const made = emojiOrTimeEntity(read.url, o.offset, out.length - o.offset);
        if (typeof made === 'string') return { error: made };
        entity = made;
        break;
      }
      case 'BlockQuote':
      case 'ExpandableBlockQuote':
        // The line break that ends a quote belongs to it.
        quote = false;
        out += c;
        canQuote = true;
        skip = false;
        break;
      default:
        break;
    }
    if (!skip) entities.push(entity ?? plain(kind, o, out.length));
    open.pop();
  }

  if (quote) {
    let last = open.at(-1);
    let kind: 'BlockQuote' | 'ExpandableBlockQuote' = 'BlockQuote';
    if (last?.kind === 'Spoiler' && last.at === s.length - 2) {
      open.pop();
      last = open.at(-1);
      kind = 'ExpandableBlockQuote';
    }
    if (last?.kind === 'BlockQuote') {
      if (out.length > last.offset) entities.push(plain(kind, last, out.length));
      open.pop();
    }
  }
  const left = open.at(-1);
  if (left !== undefined) return unclosed(left);
  return { text: out, entities: sortEntities(entities) };
}

/** Whether the character at `i` ends the innermost open entity. */
function closes(top: Open, s: string, i: number, quote: boolean): boolean {
  const c = s.charAt(i);
  if (quote && c === '\n' && s.charAt(i + 1) !== '>') return true;
  const next = s.charAt(i + 1);
  switch (top.kind) {
    case 'Bold':
      return c === '*';
    case 'Italic':
      return c === '_' && next !== '_';
    case 'Underline':
      return c === '_' && next === '_';
    case 'Strikethrough':
      return c === '~';
    case 'Spoiler':
      return c === '|' && next === '|';
    case 'Code':
      return c === '`';
    case 'Pre':
    case 'PreCode':
      return s.startsWith('```', i);
    case 'TextUrl':
    case 'CustomEmoji':
      return c === ']';
    case 'BlockQuote':
      return false;
  }
}

/**
 * After an opening ```: a word up to whitespace names the language (then the block is PreCode),
 * and one line break right after is not part of the code. Returns the index before the content.
 */
export function preStart(s: string, from: number): { kind: Kind; arg: string; i: number } {
  let i = from;
  let kind: Kind = 'Pre';
  let arg = '';
  let end = i;
  while (!isSpace(s.charAt(end)) && s.charAt(end) !== '`') end++;
  if (end !== i && end < s.length && s.charAt(end) !== '`') {
    kind = 'PreCode';
    arg = s.slice(i, end);
    i = end;
  }
  const a = s.charAt(i);
  const b = s.charAt(i + 1);
  if (a === '\n' || a === '\r') i += (b === '\n' || b === '\r') && a !== b ? 2 : 1;
  return { kind, arg, i: i - 1 };
}

/** A `(url)` from `from` to the closing `)`, with `\`-escapes removed; undefined if unclosed. */
function readUrl(s: string, from: number): { url: string; end: number } | undefined {
  let url = '';
  let i = from;
  while (i < s.length && s.charAt(i) !== ')') {
    if (s.charAt(i) === '\\' && escapable(s, i + 1)) {
      url += s.charAt(i + 1);
      i += 2;
      continue;
    }
    url += s.charAt(i++);
  }
  return i < s.length ? { url, end: i } : undefined;
}

function plain(kind: Kind | 'ExpandableBlockQuote', o: Open, end: number): MessageEntity {
  const entity: MessageEntity = { type: API_TYPE[kind], offset: o.offset, length: end - o.offset };
  if (kind === 'PreCode') entity.language = o.arg;
  return entity;
}
