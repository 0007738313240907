/**
 * What the strict emulator refuses, in Telegram's words and shape, and the other ways Telegram
 * takes a call (GET, form fields, any method-name case).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandbox, CHAT, call, PREFIX, TOKEN } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const chat_id = Number(CHAT);
const bad = (description: string) => ({ ok: false, error_code: 400, description });

describe('Telegram emulator refuses', () => {
  it('a wrong token with 401', async () => {
    const res = await call(app, 'sendMessage', { chat_id, text: 'hi' }, '123:wrong');
    expect(res).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
  });

  it('an unknown method with 404', async () => {
    const res = await call(app, 'sendTelepathy', { chat_id, text: 'hi' });
    expect(res).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
  });

  it('not an unknown parameter, which Telegram ignores, at the top or deep inside', async () => {
    const res = await call(app, 'sendMessage', { chat_id, text: 'hi', colour: 'red' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, result: { text: 'hi' } });
    const deep = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a', colour: 'red' }]] },
    });
    expect(deep.status).toBe(200);
    // Ignoring it does not make a known parameter of the wrong type pass.
    expect((await call(app, 'sendMessage', { chat_id, text: 7, colour: 'red' })).body).toEqual(
      bad('Bad Request: field "text" must be of type String'),
    );
  });

  it('a missing chat_id and a missing or empty text', async () => {
    expect((await call(app, 'sendMessage', { text: 'hi' })).body).toEqual(
      bad('Bad Request: chat_id is empty'),
    );
    expect((await call(app, 'sendMessage', { chat_id })).body).toEqual(
      bad('Bad Request: message text is empty'),
    );
    expect((await call(app, 'sendMessage', { chat_id, text: '' })).body).toEqual(
      bad('Bad Request: message text is empty'),
    );
  });

  it('text of 4097 characters, but not 4096, however many UTF-16 units they are', async () => {
    expect((await call(app, 'sendMessage', { chat_id, text: 'a'.repeat(4097) })).body).toEqual(
      bad('Bad Request: message is too long'),
    );
    expect((await call(app, 'sendMessage', { chat_id, text: '😀'.repeat(4096) })).status).toBe(200);
    expect((await call(app, 'sendMessage', { chat_id, text: `${'😀'.repeat(4096)}a` })).body).toEqual(
      bad('Bad Request: message is too long'),
    );
  });

  it('a caption over 1024', async () => {
    const res = await call(app, 'sendPhoto', {
      chat_id,
      photo: 'https://x.example/p.jpg',
      caption: 'c'.repeat(1025),
    });
    expect(res.body).toEqual(bad('Bad Request: message caption is too long'));
  });

  it('callback_data of 65 bytes, but not 64', async () => {
    const markup = (data: string) => ({ inline_keyboard: [[{ text: 'Go', callback_data: data }]] });
    const res = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: markup('é'.repeat(32) + 'a'),
    });
    expect(res.body).toEqual(bad('Bad Request: BUTTON_DATA_INVALID'));
    expect(
      (await call(app, 'sendMessage', { chat_id, text: 'x', reply_markup: markup('é'.repeat(32)) })).status,
    ).toBe(200);
  });

  it('an inline button with no action field, but not one with two: Telegram takes the first it finds', async () => {
    const none = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'Go' }]] },
    });
    expect(none.body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    // telegram-bot-api Client.cpp get_inline_keyboard_button_type: url, then callback_data, then the rest.
    const two = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'Go', callback_data: 'GO', url: 'https://example.com' }],
          [{ text: 'Pay', pay: true, callback_data: 'PAY' }],
        ],
      },
    });
    expect(two.status).toBe(200);
    expect((two.body.result as { reply_markup: unknown }).reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Go', url: 'https://example.com' }],
        [{ text: 'Pay', callback_data: 'PAY' }],
      ],
    });
    // An empty url or callback_data is passed over; an action after the one taken is never read.
    const passed = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: {
        inline_keyboard: [
          [{ text: 'A', url: '', callback_data: 'A' }],
          [{ text: 'B', url: 'https://example.com', callback_data: 'x'.repeat(65) }],
        ],
      },
    });
    expect(passed.status).toBe(200);
    expect((passed.body.result as { reply_markup: unknown }).reply_markup).toEqual({
      inline_keyboard: [[{ text: 'A', callback_data: 'A' }], [{ text: 'B', url: 'https://example.com' }]],
    });
    // The action taken is held to its rules, and one passed over to its type.
    const taken = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'C', callback_data: 'x'.repeat(65), pay: true }]] },
    });
    expect(taken.body).toEqual(bad('Bad Request: BUTTON_DATA_INVALID'));
    const mistyped = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'D', url: {}, callback_data: 'D' }]] },
    });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.description).toMatch(/url/);
    const emptyBoth = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'E', url: '', callback_data: '' }]] },
    });
    expect(emptyBoth.body.description).toMatch(/Text buttons are unallowed in the inline keyboard$/);
  });

  it('a reply keyboard button with two request fields is taken like Telegram takes it', async () => {
    const res = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { keyboard: [[{ text: 'Share', request_location: true, request_contact: true }]] },
    });
    expect(res.status).toBe(200);
  });

  it('a url button with another scheme', async () => {
    const res = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'Go', url: 'ftp://example.com' }]] },
    });
    expect(res.body.description).toMatch(/URL 'ftp:\/\/example.com' is invalid/);
  });

  it('wrong types, deep inside', async () => {
    expect((await call(app, 'sendMessage', { chat_id, text: 42 })).body).toEqual(
      bad('Bad Request: field "text" must be of type String'),
    );
    expect((await call(app, 'sendLocation', { chat_id, latitude: '1', longitude: 2 })).status).toBe(400);
    const res = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { inline_keyboard: [{ text: 'not a row' }] },
    });
    expect(res.body.description).toBe(
      'Bad Request: field "reply_markup.inline_keyboard[0]" must be an Array',
    );
    const wrongField = await call(app, 'sendMessage', {
      chat_id,
      text: 'x',
      reply_markup: { keyboard: [[{ text: 'A', request_location: 'yes' }]] },
    });
    expect(wrongField.body.description).toBe(
      'Bad Request: field "reply_markup.keyboard[0][0].request_location" must be of type Boolean',
    );
  });

  it('a media group of one, or of an unknown media type', async () => {
    const one = await call(app, 'sendMediaGroup', {
      chat_id,
      media: [{ type: 'photo', media: 'https://x/1.jpg' }],
    });
    expect(one.body).toEqual(bad('Bad Request: media must include 2-10 items'));
    const odd = await call(app, 'sendMediaGroup', {
      chat_id,
      media: [
        { type: 'photo', media: 'https://x/1.jpg' },
        { type: 'hologram', media: 'https://x/2.jpg' },
      ],
    });
    expect(odd.status).toBe(400);
  });

  it('an enum value the reference does not list', async () => {
    const res = await call(app, 'sendDice', { chat_id, emoji: '🍕' });
    expect(res.body.description).toMatch(/^Bad Request: field "emoji" must be one of/);
  });

  it('malformed JSON', async () => {
    const res = await call(app, 'sendMessage', '{"chat_id":');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ ok: false, error_code: 400 });
  });

  it('a callback query id the sandbox never issued', async () => {
    // Issued ids (from /_simulate/message) are answerable: simulate.test.ts.
    expect(await call(app, 'answerCallbackQuery', { callback_query_id: '1', text: 'ok' })).toEqual({
      status: 400,
      body: bad('Bad Request: query is too old and response timeout expired or query ID is invalid'),
    });
  });

  it('the sandbox chat conventions: 999… not found, 403… blocked', async () => {
    expect((await call(app, 'sendMessage', { chat_id: 999123, text: 'x' })).body).toEqual(
      bad('Bad Request: chat not found'),
    );
    expect(await call(app, 'sendMessage', { chat_id: '403123', text: 'x' })).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    expect((await call(app, 'sendMessage', { chat_id: 'nobody', text: 'x' })).body).toEqual(
      bad('Bad Request: chat not found'),
    );
  });
});

describe('Telegram emulator accepts', () => {
  it('any method-name case, answering a realistic Message', async () => {
    const res = await call(app, 'SENDMESSAGE', { chat_id, text: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: true,
      result: {
        message_id: expect.any(Number),
        date: expect.any(Number),
        text: 'hi',
        chat: { id: chat_id, type: 'private', first_name: expect.any(String) },
        from: { is_bot: true, first_name: 'Omnigate Sandbox Bot', username: expect.any(String) },
      },
    });
  });

  it('form fields, with JSON-serialized objects', async () => {
    const res = await app.inject({
      method: 'POST',
      url: `${PREFIX}/bot${TOKEN}/sendMessage`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        chat_id: CHAT,
        text: 'form',
        disable_notification: 'true',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }),
      }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      result: { text: 'form', reply_markup: { inline_keyboard: [[{ text: 'A' }]] } },
    });
  });

  it('GET with query parameters, and getMe', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `${PREFIX}/bot${TOKEN}/sendLocation?chat_id=${CHAT}&latitude=1.5&longitude=2`,
    });
    expect(res.json()).toMatchObject({ ok: true, result: { location: { latitude: 1.5, longitude: 2 } } });
    const me = await app.inject({ method: 'GET', url: `${PREFIX}/bot${TOKEN}/getMe` });
    expect(me.json()).toMatchObject({ ok: true, result: { is_bot: true, username: expect.any(String) } });
  });

  it('sendChatAction answers true; sendMediaGroup an array', async () => {
    expect((await call(app, 'sendChatAction', { chat_id, action: 'typing' })).body).toEqual({
      ok: true,
      result: true,
    });
    const group = await call(app, 'sendMediaGroup', {
      chat_id,
      media: [
        { type: 'photo', media: 'https://x/1.jpg' },
        { type: 'photo', media: 'https://x/2.jpg' },
      ],
    });
    expect(Array.isArray(group.body.result)).toBe(true);
    expect(group.body.result).toHaveLength(2);
  });
});
