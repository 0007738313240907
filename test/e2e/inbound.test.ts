/**
 * Inbound provider webhooks: the sandbox plays the provider and posts signed webhooks to the
 * gateway; the gateway verifies them on the raw bytes, stores replies and postbacks once each, and
 * refuses anything unsigned or tampered with.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, TELEGRAM_CHAT } from '../support/recipients.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

describe('inbound webhooks', () => {
  it('records a LINE user reply and postback, and a reply token can be used to answer', async () => {
    await gw.simulateOk('line', { from: LINE_USER, text: 'hi there' });
    await gw.simulateOk('line', { from: LINE_USER, postback: 'TRACK_ORDER' });
    const messages = await gw.inbound('message');
    const reply = messages.find((e) => e.event.text === 'hi there');
    expect(reply?.event).toMatchObject({ from: LINE_USER, contentType: 'text' });
    expect((await gw.inbound('postback')).some((e) => e.event.payload === 'TRACK_ORDER')).toBe(true);

    const sent = await gw.send(
      'line',
      LINE_USER,
      { type: 'text', text: 'answering' },
      { replyToken: reply!.event.replyToken },
    );
    expect(sent.status).toBe(202);
    const done = await gw.waitForStatus(sent.json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect((done.providerRequest as { path: string }).path).toBe('/v2/bot/message/reply');
  });

  it('records a Telegram message and callback query', async () => {
    await gw.simulateOk('telegram', { chatId: TELEGRAM_CHAT, text: 'hello bot' });
    await gw.simulateOk('telegram', { chatId: TELEGRAM_CHAT, callbackData: 'BUY_HAT' });
    expect(
      (await gw.inbound('message')).some(
        (e) => e.event.text === 'hello bot' && e.event.from === TELEGRAM_CHAT,
      ),
    ).toBe(true);
    expect((await gw.inbound('postback')).some((e) => e.event.payload === 'BUY_HAT')).toBe(true);
  });

  it('answers a Telegram button tap with the callback query id from the postback', async () => {
    await gw.simulateOk('telegram', { chatId: TELEGRAM_CHAT, callbackData: 'ANSWER_ME' });
    const tap = (await gw.inbound('postback')).find((e) => e.event.payload === 'ANSWER_ME');
    expect(tap?.event.replyToken).toEqual(expect.any(String));

    const sent = await gw.send('telegram', TELEGRAM_CHAT, {
      type: 'raw',
      payload: { method: 'answerCallbackQuery', callback_query_id: tap!.event.replyToken, text: 'Got it' },
    });
    expect(sent.status).toBe(202);
    const done = await gw.waitForStatus(sent.json.messages[0].id, ['sent', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('sent');
    const request = done.providerRequest as { path: string; body: Record<string, unknown> };
    expect(request.path).toBe('/bot{token}/answerCallbackQuery');
    // answerCallbackQuery has no chat_id; the strict emulator would refuse one.
    expect(request.body).toEqual({ callback_query_id: tap!.event.replyToken, text: 'Got it' });
  });

  it('refuses a LINE webhook with a bad signature, and stores a redelivery once', async () => {
    const body = JSON.stringify({
      destination: 'U0000000000000000000000000000000a',
      events: [
        {
          type: 'message',
          mode: 'active',
          timestamp: Date.now(),
          webhookEventId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
          deliveryContext: { isRedelivery: false },
          source: { type: 'user', userId: LINE_USER },
          replyToken: 'r1',
          message: { id: '1', type: 'text', quoteToken: 'q', text: 'signed once' },
        },
      ],
    });
    const secret = CONNECTORS.line!.sandboxCredentials.channelSecret!;
    const signature = createHmac('sha256', secret).update(body).digest('base64');
    const post = (sig: string, payload = body) =>
      gw.postWebhook('line', payload, { 'x-line-signature': sig });

    expect((await post('bm90IHRoZSBzaWduYXR1cmU=')).statusCode).toBe(401);
    expect((await post(signature, body.replace('signed once', 'signed twice'))).statusCode).toBe(401);
    expect((await post(signature)).statusCode).toBe(200);
    expect((await post(signature)).statusCode).toBe(200);
    expect((await gw.inbound('message')).filter((e) => e.event.text === 'signed once')).toHaveLength(1);
  });

  it('refuses a Telegram webhook without the secret token, and an unknown account', async () => {
    const update = JSON.stringify({
      update_id: 1,
      message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'x' },
    });
    const res = await gw.postWebhook('telegram', update, { 'x-telegram-bot-api-secret-token': 'wrong' });
    expect(res.statusCode).toBe(401);
    const unknown = await gw.app.inject({
      method: 'POST',
      url: '/webhooks/telegram/ca_nope',
      payload: update,
      headers: { 'content-type': 'application/json' },
    });
    expect(unknown.statusCode).toBe(404);
  });
});
