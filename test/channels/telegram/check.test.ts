import { describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type { CanonicalMessage } from '../../../src/core/vocabulary/message.ts';

const check = (m: CanonicalMessage) => telegramConnector.check(m);
const pointers = (m: CanonicalMessage) => check(m).map((i) => `${i.pointer} ${i.rule}`);

describe('Telegram checkRecipient', () => {
  it.each([
    '123456789',
    '-1001234567890',
    '1',
    String(Number.MAX_SAFE_INTEGER),
    `-${Number.MAX_SAFE_INTEGER}`,
    '@omnigate_news',
    '@abcde',
    `@a${'b'.repeat(31)}`,
  ])('accepts %s', (to) => {
    expect(telegramConnector.checkRecipient(to)).toBeUndefined();
  });
  it.each([
    '',
    'abc',
    '@abc',
    '@abcd',
    '12a',
    `@${'a'.repeat(33)}`,
    '1'.repeat(21),
    // Leading zeros, zero itself and a lone minus name no chat.
    '0',
    '-0',
    '007',
    '-',
    // 17 digits, and 16 digits past 2^53 - 1: Telegram ids are safe integers.
    '1'.repeat(17),
    '9007199254740992',
    '-9999999999999999',
    // A username starts with a letter.
    '@1abcde',
    '@_abcde',
    '@abc-de',
  ])('refuses %j', (to) => {
    expect(telegramConnector.checkRecipient(to)).toMatch(/chat id/);
  });
});

describe('Telegram check', () => {
  it('passes text of 4096 characters and refuses 4097, counting characters as tdlib does', () => {
    expect(check({ type: 'text', text: 'a'.repeat(4096) })).toEqual([]);
    expect(pointers({ type: 'text', text: 'a'.repeat(4097) })).toEqual(['/message/text maxLength']);
    // 8192 UTF-16 units, 4096 characters: Telegram takes it (utf8_length in MessageContent.cpp).
    expect(check({ type: 'text', text: '😀'.repeat(4096) })).toEqual([]);
    expect(pointers({ type: 'text', text: '😀'.repeat(4097) })).toEqual(['/message/text maxLength']);
  });

  it('counts text after parsing its markup, cleaning and trimming it, as Telegram does', () => {
    const v2 = { parseMode: 'MarkdownV2' };
    // 800 bold words: 5,600 characters of source, 3,999 once parsed (and the last space trimmed).
    expect(telegramConnector.check({ type: 'text', text: '*bold* '.repeat(800) }, v2)).toEqual([]);
    expect(telegramConnector.check({ type: 'text', text: '*bold* '.repeat(820) }, v2)).toMatchObject([
      { rule: 'maxLength', detail: expect.stringContaining('this has 4099') },
    ]);
    expect(
      telegramConnector.check({ type: 'text', text: `<b>${'x'.repeat(4096)}</b>` }, { parseMode: 'HTML' }),
    ).toEqual([]);
    expect(
      telegramConnector.check({ type: 'text', text: `<b>${'x'.repeat(4097)}</b>` }, { parseMode: 'HTML' }),
    ).toMatchObject([
      { pointer: '/message/text', rule: 'maxLength', detail: expect.stringContaining('4097') },
    ]);
    // Escapes are one character each; trailing spaces and line breaks are trimmed away.
    expect(telegramConnector.check({ type: 'text', text: '\\.'.repeat(4096) }, v2)).toEqual([]);
    expect(check({ type: 'text', text: `${'a'.repeat(4096)}\n\n   ` })).toEqual([]);
    // Without a parse mode the markup is text, and counts.
    expect(pointers({ type: 'text', text: `<b>${'x'.repeat(4090)}</b>` })).toEqual([
      '/message/text maxLength',
    ]);
  });

  it('refuses markup Telegram cannot parse, and text that is empty once parsed', () => {
    expect(
      telegramConnector.check({ type: 'text', text: 'Price: 5.00!' }, { parseMode: 'MarkdownV2' }),
    ).toEqual([
      {
        pointer: '/message/text',
        rule: 'telegram_markup',
        detail: expect.stringContaining("can't parse entities: Character '.' is reserved"),
      },
    ]);
    expect(
      telegramConnector.check(
        { type: 'media', mediaType: 'image', url: 'https://x.example/p.jpg', caption: '<b>open' },
        { parseMode: 'HTML' },
      ),
    ).toMatchObject([{ pointer: '/message/caption', rule: 'telegram_markup' }]);
    expect(pointers({ type: 'text', text: ' \n \r\n' })).toEqual(['/message/text minLength']);
    expect(telegramConnector.check({ type: 'text', text: '**' }, { parseMode: 'MarkdownV2' })).toMatchObject([
      { rule: 'minLength' },
    ]);
  });

  it('refuses a source over 2^15 bytes before parsing, as the Bot API server does', () => {
    const source = `*${'é'.repeat(16_384)}*`;
    expect(
      telegramConnector.check({ type: 'text', text: source }, { parseMode: 'MarkdownV2' }),
    ).toMatchObject([
      { pointer: '/message/text', rule: 'maxBytes', detail: expect.stringContaining('32768') },
    ]);
  });

  it('refuses a caption over 1024', () => {
    expect(
      pointers({
        type: 'media',
        mediaType: 'image',
        url: 'https://x.example/p.jpg',
        caption: 'c'.repeat(1025),
      }),
    ).toEqual(['/message/caption maxLength']);
  });

  it('counts callback data in UTF-8 bytes', () => {
    const m = (payload: string, text: string): CanonicalMessage => ({
      type: 'buttons',
      text: 'Pick',
      actions: [
        { type: 'reply', title: 'A', payload },
        { type: 'message', title: 'B', text },
      ],
    });
    expect(check(m('é'.repeat(32), 'ok'))).toEqual([]);
    expect(pointers(m(`${'é'.repeat(32)}a`, 'x'.repeat(65)))).toEqual([
      '/message/actions/0/payload maxBytes',
      '/message/actions/1/text maxBytes',
    ]);
  });

  it('measures the folded text of buttons', () => {
    const m: CanonicalMessage = {
      type: 'buttons',
      title: 'T',
      text: 'a'.repeat(4090),
      footer: 'footer',
      actions: [{ type: 'reply', title: 'A', payload: 'A' }],
    };
    expect(pointers(m)).toEqual(['/message/text maxLength']);
  });

  it('refuses a carousel whose text exceeds one message', () => {
    const card = { title: 'Card', text: 'x'.repeat(1000) };
    expect(pointers({ type: 'carousel', cards: [card, card, card, card, card] })).toEqual([
      '/message/cards maxLength',
    ]);
    expect(
      pointers({
        type: 'carousel',
        cards: [{ title: 'A', actions: [{ type: 'reply', title: 'Buy', payload: 'p'.repeat(65) }] }],
      }),
    ).toEqual(['/message/cards/0/actions/0/payload maxBytes']);
  });

  it('checks list row ids, imagemap alt text and areas', () => {
    expect(
      pointers({
        type: 'list',
        text: 'Pick',
        buttonText: 'Open',
        sections: [{ rows: [{ id: 'r'.repeat(65), title: 'Row' }] }],
      }),
    ).toEqual(['/message/sections/0/rows/0/id maxBytes']);
    expect(
      pointers({
        type: 'imagemap',
        baseUrl: 'https://cdn.example.com/im',
        altText: 'a'.repeat(1025),
        width: 1040,
        height: 1040,
        areas: [
          { x: 0, y: 0, width: 1, height: 1, action: { type: 'message', title: 'M', text: 'm'.repeat(65) } },
        ],
      }),
    ).toEqual(['/message/altText maxLength', '/message/areas/0/action/text maxBytes']);
  });

  it('refuses typing_off and mark_seen', () => {
    expect(check({ type: 'sender_action', action: 'typing_on' })).toEqual([]);
    expect(pointers({ type: 'sender_action', action: 'typing_off' })).toEqual([
      '/message/action channel_capability',
    ]);
    expect(pointers({ type: 'sender_action', action: 'mark_seen' })).toEqual([
      '/message/action channel_capability',
    ]);
  });

  it('requires a method in a raw payload', () => {
    expect(pointers({ type: 'raw', payload: { text: 'hi' } })).toEqual(['/message/payload/method required']);
    expect(check({ type: 'raw', payload: { method: 'sendMessage', text: 'hi' } })).toEqual([]);
  });
});
