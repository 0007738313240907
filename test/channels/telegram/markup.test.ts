/**
 * The emulator applies `parse_mode` as Telegram does: malformed markup is refused with Telegram's
 * words, length limits count the visible text, and the Message echoes that text with its entities.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandbox, CHAT, call } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const chat_id = Number(CHAT);
const bad = (description: string) => ({ status: 400, body: { ok: false, error_code: 400, description } });
const photo = 'https://cdn.example.com/p.jpg';

describe('Telegram emulator: parse_mode', () => {
  it('counts what is left once the markup is parsed and the ends trimmed, and echoes that', async () => {
    const v2 = (text: string) => call(app, 'sendMessage', { chat_id, text, parse_mode: 'MarkdownV2' });
    const heavy = await v2('*bold* '.repeat(800));
    expect(heavy.status).toBe(200);
    const result = heavy.body.result as { text: string; entities: unknown[] };
    expect(result.text).toBe('bold '.repeat(800).trimEnd());
    expect(result.entities).toHaveLength(800);
    expect(await v2('*bold* '.repeat(820))).toEqual(bad('Bad Request: message is too long'));
    const padded = await call(app, 'sendMessage', { chat_id, text: '\n  hello\r\n  \n' });
    expect(padded.body.result).toMatchObject({ text: 'hello' });
    expect(await call(app, 'sendMessage', { chat_id, text: ' \n ' })).toEqual(
      bad('Bad Request: message text is empty'),
    );
    expect(await v2(`*${'é'.repeat(16_384)}*`)).toEqual(bad('Bad Request: text is too long'));
  });

  it('refuses malformed markup in each mode with Telegram’s description', async () => {
    expect(
      await call(app, 'sendMessage', { chat_id, text: 'Version 1.0', parse_mode: 'MarkdownV2' }),
    ).toEqual(
      bad(
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      ),
    );
    expect(await call(app, 'sendMessage', { chat_id, text: 'a < b', parse_mode: 'HTML' })).toEqual(
      bad('Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2'),
    );
    expect(await call(app, 'sendMessage', { chat_id, text: 'x *open', parse_mode: 'Markdown' })).toEqual(
      bad("Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2"),
    );
    expect(
      await call(app, 'sendPhoto', { chat_id, photo, caption: '<b>bold</i>', parse_mode: 'HTML' }),
    ).toEqual(
      bad(
        'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</b>", found "</i>"',
      ),
    );
    expect(await call(app, 'sendMessage', { chat_id, text: 'x', parse_mode: 'XML' })).toEqual(
      bad('Bad Request: unsupported parse_mode'),
    );
  });

  it('takes the text as is without a parse mode, or with "" / "none", in any case', async () => {
    for (const parse_mode of [undefined, '', 'None']) {
      const res = await call(app, 'sendMessage', { chat_id, text: 'Version 1.0 <b>', parse_mode });
      expect(res.body).toMatchObject({ ok: true, result: { text: 'Version 1.0 <b>' } });
      expect(res.body.result).not.toHaveProperty('entities');
    }
    const lower = await call(app, 'sendMessage', { chat_id, text: '*ok*', parse_mode: 'markdownv2' });
    expect(lower.body).toMatchObject({ ok: true, result: { text: 'ok' } });
  });

  it('echoes the visible text and its entities', async () => {
    const text = await call(app, 'sendMessage', {
      chat_id,
      text: '*Hi* _there_, [site](https://example.com)\\!',
      parse_mode: 'MarkdownV2',
    });
    expect(text.body).toMatchObject({
      ok: true,
      result: {
        text: 'Hi there, site!',
        entities: [
          { type: 'bold', offset: 0, length: 2 },
          { type: 'italic', offset: 3, length: 5 },
          { type: 'text_link', offset: 10, length: 4, url: 'https://example.com' },
        ],
      },
    });
    const caption = await call(app, 'sendPhoto', {
      chat_id,
      photo,
      caption: 'a &lt; <u>b</u>',
      parse_mode: 'HTML',
    });
    expect(caption.body).toMatchObject({
      result: { caption: 'a < b', caption_entities: [{ type: 'underline', offset: 4, length: 1 }] },
    });
    const given = [{ type: 'bold', offset: 0, length: 1 }];
    const plain = await call(app, 'sendMessage', { chat_id, text: 'x.', entities: given });
    expect(plain.body).toMatchObject({ result: { text: 'x.', entities: given } });
  });

  it('counts the length limits on the visible text', async () => {
    const long = 'a'.repeat(4096);
    const fits = await call(app, 'sendMessage', { chat_id, text: `*${long}*`, parse_mode: 'MarkdownV2' });
    expect(fits.body).toMatchObject({
      ok: true,
      result: { text: long, entities: [{ type: 'bold', offset: 0, length: 4096 }] },
    });
    expect(await call(app, 'sendMessage', { chat_id, text: `*${long}a*`, parse_mode: 'MarkdownV2' })).toEqual(
      bad('Bad Request: message is too long'),
    );
    const caption = 'c'.repeat(1024);
    const photoFits = await call(app, 'sendPhoto', {
      chat_id,
      photo,
      caption: `<b>${caption}</b>`,
      parse_mode: 'HTML',
    });
    expect(photoFits.status).toBe(200);
    expect(
      await call(app, 'sendPhoto', { chat_id, photo, caption: `<b>${caption}c</b>`, parse_mode: 'HTML' }),
    ).toEqual(bad('Bad Request: message caption is too long'));
    expect(await call(app, 'sendMessage', { chat_id, text: '**', parse_mode: 'MarkdownV2' })).toEqual(
      bad('Bad Request: message text is empty'),
    );
  });

  it('parses each caption of a media group with its own parse mode', async () => {
    const media = (caption: string) => [
      { type: 'photo', media: photo, caption, parse_mode: 'MarkdownV2' },
      { type: 'photo', media: photo, caption: 'plain.' },
    ];
    const ok = await call(app, 'sendMediaGroup', { chat_id, media: media('*one*') });
    expect(ok.body.result).toEqual([
      expect.objectContaining({ caption: 'one', caption_entities: [{ type: 'bold', offset: 0, length: 3 }] }),
      expect.objectContaining({ caption: 'plain.' }),
    ]);
    expect(await call(app, 'sendMediaGroup', { chat_id, media: media('one.') })).toEqual(
      bad(
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      ),
    );
  });

  it('ignores parse_mode on a method without it, as it ignores any parameter a method lacks', async () => {
    expect(
      await call(app, 'sendSticker', { chat_id, sticker: 'CAACAgI', parse_mode: 'HTML', caption: '<' }),
    ).toMatchObject({ status: 200, body: { ok: true } });
  });
});
