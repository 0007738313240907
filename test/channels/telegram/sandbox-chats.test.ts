/**
 * The sandbox's test chats that fail on purpose (429…, 500…), so retries and throttling can be
 * exercised end to end, and the sandbox bot's own identity.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import { TELEGRAM_CHAT } from '../../support/recipients.ts';
import { buildSandbox, call, send } from './helpers.ts';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await buildSandbox());
});
afterAll(async () => {
  await app.close();
});

const TOO_MANY = {
  ok: false,
  error_code: 429,
  description: 'Too Many Requests: retry after 1',
  parameters: { retry_after: 1 },
};
const SERVER_ERROR = { ok: false, error_code: 500, description: 'Internal Server Error' };

describe('Telegram sandbox chats 429… and 500…', () => {
  it('answer 429 with retry_after on every other call, so the retry succeeds', async () => {
    const chat_id = 4290001;
    expect(await call(app, 'sendMessage', { chat_id, text: 'a' })).toEqual({ status: 429, body: TOO_MANY });
    expect((await call(app, 'sendMessage', { chat_id, text: 'a' })).body).toMatchObject({
      ok: true,
      result: { message_id: 1, chat: { id: chat_id } },
    });
    expect((await call(app, 'sendMessage', { chat_id, text: 'b' })).status).toBe(429);
    expect((await call(app, 'sendMessage', { chat_id, text: 'b' })).status).toBe(200);
  });

  it('answer 500 on every other call', async () => {
    const chat_id = '5000001';
    expect(await call(app, 'sendChatAction', { chat_id, action: 'typing' })).toEqual({
      status: 500,
      body: SERVER_ERROR,
    });
    expect((await call(app, 'sendChatAction', { chat_id, action: 'typing' })).status).toBe(200);
    expect((await call(app, 'sendChatAction', { chat_id, action: 'typing' })).status).toBe(500);
  });

  it('count per chat, and only calls that passed validation', async () => {
    expect((await call(app, 'sendMessage', { chat_id: 4290002, text: '' })).status).toBe(400);
    expect((await call(app, 'sendMessage', { chat_id: 4290002, text: 'x' })).status).toBe(429);
    expect((await call(app, 'sendMessage', { chat_id: 4290003, text: 'x' })).status).toBe(429);
    expect((await call(app, 'sendMessage', { chat_id: 4290002, text: 'x' })).status).toBe(200);
  });

  it('are read by the connector as throttling and a transient failure', async () => {
    const message = { type: 'text', text: 'hello' } as const;
    const render = (to: string) => telegramConnector.render(message, { to, retryKey: 'k' }).request;
    const throttled = telegramConnector.classify(await send(app, render('4290009')));
    expect(throttled).toEqual({
      kind: 'rate_limited',
      code: 'telegram_429',
      retryAfterMs: 1000,
      reason: 'Too Many Requests: retry after 1',
    });
    expect(telegramConnector.classify(await send(app, render('4290009')))).toMatchObject({
      kind: 'sent',
      providerMessageId: '4290009:1',
    });
    expect(telegramConnector.classify(await send(app, render('5000009')))).toEqual({
      kind: 'transient',
      code: 'telegram_500',
      reason: 'Internal Server Error',
    });
  });
});

describe('Telegram sandbox bot', () => {
  it('has an id of its own, not the test chat messages are sent to', async () => {
    const me = await call(app, 'getMe', {});
    expect(me.body).toMatchObject({ ok: true, result: { id: 7000000001, is_bot: true } });
    expect((me.body.result as { id: number }).id).not.toBe(Number(TELEGRAM_CHAT));
    const sent = await call(app, 'sendMessage', { chat_id: Number(TELEGRAM_CHAT), text: 'hi' });
    const result = sent.body.result as { from: { id: number }; chat: { id: number } };
    expect(result.from.id).not.toBe(result.chat.id);
  });
});
