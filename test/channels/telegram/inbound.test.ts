import { describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';

const creds = telegramConnector.sandboxCredentials;
const raw = Buffer.from('{}');

describe('Telegram inbound: secret token', () => {
  it('accepts the secret token, in any header case', () => {
    expect(
      telegramConnector.verifyInbound(
        { rawBody: raw, headers: { 'x-telegram-bot-api-secret-token': creds['secretToken'] } },
        creds,
      ),
    ).toBe(true);
    expect(
      telegramConnector.verifyInbound(
        { rawBody: raw, headers: { 'X-Telegram-Bot-Api-Secret-Token': creds['secretToken'] } },
        creds,
      ),
    ).toBe(true);
  });

  it('refuses a missing, shorter, longer or different token', () => {
    const secret = creds['secretToken']!;
    for (const given of [undefined, secret.slice(1), `${secret}x`, secret.replace(/.$/, 'X')]) {
      const headers = given === undefined ? {} : { 'x-telegram-bot-api-secret-token': given };
      expect(telegramConnector.verifyInbound({ rawBody: raw, headers }, creds)).toBe(false);
    }
    expect(
      telegramConnector.verifyInbound(
        { rawBody: raw, headers: { 'x-telegram-bot-api-secret-token': secret } },
        { botToken: creds['botToken']! },
      ),
    ).toBe(false);
  });
});

describe('Telegram inbound: updates', () => {
  it('parses a text message', () => {
    const events = telegramConnector.parseInbound({
      update_id: 1001,
      message: {
        message_id: 5,
        from: { id: 42, is_bot: false, first_name: 'Ann' },
        chat: { id: 42, type: 'private', first_name: 'Ann' },
        date: 1_700_000_000,
        text: 'hello',
      },
    });
    expect(events).toEqual([
      {
        kind: 'message',
        providerEventId: '1001',
        from: '42',
        text: 'hello',
        contentType: 'text',
        occurredAt: new Date(1_700_000_000_000),
      },
    ]);
  });

  it.each([
    ['photo', { photo: [{ file_id: 'a', file_unique_id: 'b', width: 1, height: 1 }], caption: 'look' }],
    ['video', { video: { file_id: 'a' } }],
    ['audio', { audio: { file_id: 'a' } }],
    ['document', { document: { file_id: 'a' } }],
    ['voice', { voice: { file_id: 'a' } }],
    ['sticker', { sticker: { file_id: 'a' } }],
    ['location', { location: { latitude: 1, longitude: 2 } }],
    ['contact', { contact: { phone_number: '+1', first_name: 'A' } }],
    ['other', { dice: { emoji: '🎲', value: 3 } }],
  ])('names the content type %s', (type, content) => {
    const [event] = telegramConnector.parseInbound({
      update_id: 7,
      message: { message_id: 1, chat: { id: -100123, type: 'supergroup' }, date: 1, ...content },
    });
    expect(event).toMatchObject({ kind: 'message', contentType: type, from: '-100123' });
  });

  it('parses a callback query as a postback from the chat', () => {
    const [event] = telegramConnector.parseInbound({
      update_id: 8,
      callback_query: {
        id: '99',
        from: { id: 42, is_bot: false, first_name: 'Ann' },
        message: { message_id: 3, chat: { id: -555, type: 'group' }, date: 1 },
        chat_instance: '1',
        data: 'BUY',
      },
    });
    expect(event).toMatchObject({ kind: 'postback', providerEventId: '8', from: '-555', payload: 'BUY' });
  });

  it('carries the callback query id as the reply token, for answerCallbackQuery', () => {
    const [event] = telegramConnector.parseInbound({
      update_id: 11,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from: { id: 42, is_bot: false, first_name: 'Ann' },
        message: { message_id: 3, chat: { id: 42, type: 'private' }, date: 1 },
        chat_instance: '1',
        data: 'BUY',
      },
    });
    expect(event).toMatchObject({ kind: 'postback', replyToken: '4382bfdwdsb323b2d9' });
  });

  it('falls back to the user for a callback without a message', () => {
    const [event] = telegramConnector.parseInbound({
      update_id: 9,
      callback_query: { id: '1', from: { id: 42 }, chat_instance: '1', data: 'X', inline_message_id: 'abc' },
    });
    expect(event).toMatchObject({ kind: 'postback', from: '42', payload: 'X', replyToken: '1' });
  });

  it('passes other updates on with their type', () => {
    const [event] = telegramConnector.parseInbound({
      update_id: 10,
      edited_message: { message_id: 1, chat: { id: 42, type: 'private' }, date: 5, text: 'x' },
    });
    expect(event).toMatchObject({ kind: 'other', type: 'edited_message', from: '42', providerEventId: '10' });
    expect(telegramConnector.parseInbound('nope')).toEqual([]);
  });
});
