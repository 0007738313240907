/**
 * The emulator playing a user: an Update with the secret token header reaches a real HTTP
 * receiver, which verifies and parses it with the connector.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramConnector } from '../../../src/channels/telegram/index.ts';
import type { InboundEvent } from '../../../src/core/vocabulary/channel.ts';
import { buildSandbox, call, PREFIX, send } from './helpers.ts';

let receiver: FastifyInstance;
let sandbox: FastifyInstance;
const received: InboundEvent[][] = [];
const updates: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  receiver = Fastify();
  receiver.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });
  receiver.post('/inbound/telegram', async (req, reply) => {
    const rawBody = req.body as Buffer;
    if (
      !telegramConnector.verifyInbound(
        { rawBody, headers: req.headers },
        telegramConnector.sandboxCredentials,
      )
    ) {
      return reply.code(401).send({ error: 'bad secret' });
    }
    const update = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
    updates.push(update);
    received.push(telegramConnector.parseInbound(update));
    return { ok: true };
  });
  const address = await receiver.listen({ port: 0, host: '127.0.0.1' });
  ({ app: sandbox } = await buildSandbox(`${address}/inbound/telegram`));
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

const simulate = (app: FastifyInstance, payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: `${PREFIX}/_simulate/message`, payload });

describe('Telegram emulator: simulated user', () => {
  it('posts a text message update the gateway can verify and parse', async () => {
    const res = await simulate(sandbox, { chatId: 42, text: 'Hi there' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 200, body: { ok: true } });
    expect(received.at(-1)).toEqual([
      expect.objectContaining({ kind: 'message', from: '42', text: 'Hi there', contentType: 'text' }),
    ]);
    expect(updates.at(-1)).toMatchObject({
      update_id: expect.any(Number),
      message: { chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false }, text: 'Hi there' },
    });
  });

  it('posts a callback query with increasing update ids', async () => {
    const res = await simulate(sandbox, { chatId: '42', callbackData: 'BUY_SHIRT' });
    expect(res.json()).toEqual({ status: 200, body: { ok: true } });
    expect(received.at(-1)).toEqual([
      expect.objectContaining({ kind: 'postback', from: '42', payload: 'BUY_SHIRT' }),
    ]);
    const [a, b] = updates.slice(-2);
    expect(Number(b?.['update_id'])).toBe(Number(a?.['update_id']) + 1);
    expect(b?.['callback_query']).toMatchObject({
      id: expect.any(String),
      chat_instance: expect.any(String),
      message: { chat: { id: 42 } },
      data: 'BUY_SHIRT',
    });
  });

  it('answers a tapped button through the reply token, once', async () => {
    await simulate(sandbox, { chatId: 42, callbackData: 'TRACK' });
    const [event] = received.at(-1) ?? [];
    const queryId = (updates.at(-1)?.['callback_query'] as { id: string } | undefined)?.id;
    expect(queryId).toEqual(expect.any(String));
    expect(event).toMatchObject({ kind: 'postback', payload: 'TRACK', replyToken: queryId });
    const replyToken = event?.kind === 'postback' ? event.replyToken : undefined;

    const { request } = telegramConnector.render(
      {
        type: 'raw',
        payload: { method: 'answerCallbackQuery', callback_query_id: replyToken, text: 'On its way' },
      },
      { to: '42', retryKey: 'k' },
    );
    expect(request.body).toEqual({ callback_query_id: queryId, text: 'On its way' });
    const answer = await send(sandbox, request);
    expect(answer).toMatchObject({ status: 200, body: { ok: true, result: true } });
    expect(telegramConnector.classify(answer)).toEqual({ kind: 'sent' });

    // Telegram takes one answer per query; a second is refused like a made-up id.
    const again = await call(sandbox, 'answerCallbackQuery', { callback_query_id: queryId });
    expect(again).toEqual({
      status: 400,
      body: {
        ok: false,
        error_code: 400,
        description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
      },
    });
  });

  it('refuses a malformed simulation and needs a webhook URL', async () => {
    expect((await simulate(sandbox, { chatId: 'bob', text: 'x' })).statusCode).toBe(400);
    expect((await simulate(sandbox, { chatId: 42 })).statusCode).toBe(400);
    const { app } = await buildSandbox();
    const res = await simulate(app, { chatId: 42, text: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ status: 409 });
    await app.close();
  });
});
