/**
 * The emulator's markup parsers against the examples of Telegram's "Formatting options" and the
 * errors its parser gives (wording, UTF-8 byte offsets).
 */
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../../src/channels/telegram/provider/parse-mode/html.ts';
import { parseMarkdownV2 } from '../../../src/channels/telegram/provider/parse-mode/markdown.ts';
import { parseMarkdown } from '../../../src/channels/telegram/provider/parse-mode/markdown-legacy.ts';

const reserved = (c: string) => ({
  error: `Character '${c}' is reserved and must be escaped with the preceding '\\'`,
});

describe('MarkdownV2', () => {
  it.each([...'])(>#+-=|{}.!'])('refuses an unescaped %s outside entities', (c) => {
    expect(parseMarkdownV2(`a ${c}`)).toEqual(reserved(c));
    expect(parseMarkdownV2(`a \\${c}`)).toEqual({ text: `a ${c}`, entities: [] });
  });

  it.each([
    ['_', 'Italic'],
    ['*', 'Bold'],
    ['[', 'TextUrl'],
    ['~', 'Strikethrough'],
    ['`', 'Code'],
  ])('takes an unescaped %s as an entity that never ends', (c, name) => {
    expect(parseMarkdownV2(`a ${c}`)).toEqual({ error: `Can't find end of ${name} entity at byte offset 2` });
    expect(parseMarkdownV2(`a \\${c}`)).toEqual({ text: `a ${c}`, entities: [] });
  });

  it('strips markup and reports entities in UTF-16 units', () => {
    expect(parseMarkdownV2('*bold \\*text* 😀 _it_')).toEqual({
      text: 'bold *text 😀 it',
      entities: [
        { type: 'bold', offset: 0, length: 10 },
        { type: 'italic', offset: 14, length: 2 },
      ],
    });
    const nested = parseMarkdownV2(
      '*bold _italic bold ~italic bold strikethrough ||italic bold strikethrough spoiler||~ __underline italic bold___ bold*',
    );
    expect(nested).toMatchObject({
      text: 'bold italic bold italic bold strikethrough italic bold strikethrough spoiler underline italic bold bold',
    });
    expect('entities' in nested && nested.entities.map((e) => e.type)).toEqual([
      'bold',
      'italic',
      'strikethrough',
      'spoiler',
      'underline',
    ]);
  });

  it('reads links, mentions, custom emoji, code and pre', () => {
    expect(parseMarkdownV2('[site](http://www.example.com/) [me](tg://user?id=123456789)')).toEqual({
      text: 'site me',
      entities: [
        { type: 'text_link', offset: 0, length: 4, url: 'http://www.example.com/' },
        {
          type: 'text_mention',
          offset: 5,
          length: 2,
          user: { id: 123456789, is_bot: false, first_name: 'Sandbox' },
        },
      ],
    });
    expect(parseMarkdownV2('![👍](tg://emoji?id=5368324170671202286)')).toEqual({
      text: '👍',
      entities: [{ type: 'custom_emoji', offset: 0, length: 2, custom_emoji_id: '5368324170671202286' }],
    });
    expect(parseMarkdownV2('`a.b` and ```python\nprint(1)\n```')).toEqual({
      text: 'a.b and print(1)\n',
      entities: [
        { type: 'code', offset: 0, length: 3 },
        { type: 'pre', offset: 8, length: 9, language: 'python' },
      ],
    });
  });

  it('reads block quotes, expandable ones too, only at a line start', () => {
    expect(parseMarkdownV2('>one\n>two\n**>three\n>four||')).toEqual({
      text: 'one\ntwo\nthree\nfour',
      entities: [
        { type: 'blockquote', offset: 0, length: 8 },
        { type: 'expandable_blockquote', offset: 8, length: 10 },
      ],
    });
    expect(parseMarkdownV2('a > b')).toEqual(reserved('>'));
    expect(parseMarkdownV2('>q *b\nc*')).toEqual({ error: "Can't find end of Bold entity at byte offset 3" });
  });

  it('refuses unclosed and crossed entities at their UTF-8 byte offset', () => {
    expect(parseMarkdownV2('é *x')).toEqual({ error: "Can't find end of Bold entity at byte offset 3" });
    expect(parseMarkdownV2('*a _b* c_')).toEqual({
      error: "Can't find end of Italic entity at byte offset 8",
    });
    expect(parseMarkdownV2('[x](http://a')).toEqual({ error: "Can't find end of a URL at byte offset 4" });
    expect(parseMarkdownV2('![x]')).toEqual({ error: 'Custom emoji entity must contain a tg://emoji URL' });
  });

  it('keeps a backslash before a non-ASCII character or at the end', () => {
    expect(parseMarkdownV2('\\é \\')).toEqual({ text: '\\é \\', entities: [] });
  });
});

describe('HTML', () => {
  it('reads the supported tags and character references', () => {
    expect(parseHtml('<b>b</b><STRONG>s</STRONG><i>i</i><em>e</em><u>u</u><ins>n</ins>')).toEqual({
      text: 'bsieun',
      entities: ['bold', 'bold', 'italic', 'italic', 'underline', 'underline'].map((type, offset) => ({
        type,
        offset,
        length: 1,
      })),
    });
    expect(parseHtml('<s>1</s><strike>2</strike><del>3</del><tg-spoiler>4</tg-spoiler>')).toEqual({
      text: '1234',
      entities: [
        { type: 'strikethrough', offset: 0, length: 1 },
        { type: 'strikethrough', offset: 1, length: 1 },
        { type: 'strikethrough', offset: 2, length: 1 },
        { type: 'spoiler', offset: 3, length: 1 },
      ],
    });
    expect(parseHtml('x &lt; y &amp;&amp z &copy; &#33;&#x1F600; &quot;q&quot; 1 > 0')).toEqual({
      text: 'x < y && z &copy; !😀 "q" 1 > 0',
      entities: [],
    });
    expect(parseHtml('<a href="https://example.com/?a=1&amp;b=2">link</a>')).toEqual({
      text: 'link',
      entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://example.com/?a=1&b=2' }],
    });
    expect(
      parseHtml('<pre><code class="language-python">print(1)</code></pre><code class="language-x">c</code>'),
    ).toEqual({
      text: 'print(1)c',
      entities: [
        { type: 'pre', offset: 0, length: 8, language: 'python' },
        { type: 'code', offset: 8, length: 1 },
      ],
    });
    expect(parseHtml('<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>')).toEqual({
      text: 'sq',
      entities: [
        { type: 'spoiler', offset: 0, length: 1 },
        { type: 'expandable_blockquote', offset: 1, length: 1 },
      ],
    });
  });

  it.each([
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['<br>', 'Unsupported start tag "br" at byte offset 0'],
    ['é<b>x</i>', 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'],
    ['<b>x', 'Can\'t find end tag corresponding to start tag "b"'],
    ['</b>', 'Unexpected end tag at byte offset 0'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<a href=https://x.y>z</a>', 'Unexpected end of name token at byte offset 8'],
    ['<b', 'Unclosed start tag at byte offset 0'],
    ['<tg-emoji emoji-id="x">e</tg-emoji>', 'Invalid custom emoji identifier specified'],
  ])('refuses %j', (source, error) => {
    expect(parseHtml(source)).toEqual({ error });
  });
});

describe('Markdown (legacy)', () => {
  it('reads its four entities and escapes, without nesting', () => {
    expect(parseMarkdown('*bold* _it_ `c` [u](http://a.b) ```py\nx``` a\\_b 1.0!')).toEqual({
      text: 'bold it c u x a_b 1.0!',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 5, length: 2 },
        { type: 'code', offset: 8, length: 1 },
        { type: 'text_link', offset: 10, length: 1, url: 'http://a.b' },
        { type: 'pre', offset: 12, length: 1, language: 'py' },
      ],
    });
    expect(parseMarkdown('x *open')).toEqual({
      error: "Can't find end of the entity starting at byte offset 2",
    });
  });
});
