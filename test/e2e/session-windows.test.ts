/**
 * Channel session windows as send policy: once the gateway has seen a person write in, a
 * free-form message after the channel's window is refused before it is queued, naming the rule;
 * what the channel allows outside the window (a WhatsApp template, a tagged Messenger message)
 * still goes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
let clockOffsetMs = 0;
const HOUR = 3_600_000;

beforeAll(async () => {
  gw = await startTestGateway({}, { now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(async () => gw.close());

const TEXT = { type: 'text', text: 'Following up' };

describe('session windows', () => {
  it('refuses WhatsApp free-form text after 24 h of silence, but not a template', async () => {
    const person = '15557770001';
    await gw.simulateOk('whatsapp', { from: person, text: 'hello' });
    clockOffsetMs = 23 * HOUR;
    expect((await gw.send('whatsapp', person, TEXT)).status).toBe(202);

    clockOffsetMs = 25 * HOUR;
    const refused = await gw.send('whatsapp', person, TEXT);
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('GW_SESSION_WINDOW');
    expect(refused.json.errors).toEqual([
      expect.objectContaining({
        pointer: '/to',
        rule: 'session_window',
        detail: expect.stringMatching(/24-hour window only approved templates/),
      }),
    ]);
    const template = await gw.send('whatsapp', person, {
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: { name: 'Ann' },
    });
    expect(template.status).toBe(202);
    // Someone the gateway never heard from: the provider decides.
    expect((await gw.send('whatsapp', '15557770002', TEXT)).status).toBe(202);
    clockOffsetMs = 0;
  });

  it('refuses untagged Messenger messages after 24 h, and lets a tagged one through', async () => {
    const psid = '7100000000000001';
    await gw.simulateOk('messenger', { from: psid, text: 'hi' });
    clockOffsetMs = 30 * HOUR;
    expect((await gw.send('messenger', psid, TEXT)).status).toBe(422);
    const tagged = await gw.send('messenger', psid, TEXT, {
      messagingType: 'MESSAGE_TAG',
      tag: 'ACCOUNT_UPDATE',
    });
    expect(tagged.status).toBe(202);
    clockOffsetMs = 0;
  });

  it("keeps WeChat's window at 48 h", async () => {
    const openid = `oWindow${'0'.repeat(21)}`;
    await gw.simulateOk('wechat', { openid, text: 'ni hao' });
    clockOffsetMs = 47 * HOUR;
    expect((await gw.send('wechat', openid, TEXT)).status).toBe(202);
    clockOffsetMs = 49 * HOUR;
    expect((await gw.send('wechat', openid, TEXT)).json.errors).toEqual([
      expect.objectContaining({ rule: 'session_window', detail: expect.stringMatching(/48-hour/) }),
    ]);
    clockOffsetMs = 0;
  });

  it('refuses a LINE reply token older than LINE takes, or pushes instead when asked', async () => {
    const user = `U${'7'.repeat(32)}`;
    const TOKEN_POINTER = '/options/line/replyToken';
    // The gateway's clock runs behind while the person writes, so the send comes "later" in its
    // eyes, while its dispatcher and LINE's emulator keep real time.
    clockOffsetMs = -30_000;
    const { replyToken } = await gw.simulateOk('line', { from: user, text: 'quick question' });
    clockOffsetMs = 0;
    // Fresh: the reply API, free of quota.
    const fresh = await gw.send('line', user, TEXT, { replyToken });
    expect(fresh.status).toBe(202);
    const sent = await gw.waitForStatus(fresh.json.messages[0].id, ['sent', 'failed']);
    expect((sent.providerRequest as { path: string }).path).toBe('/v2/bot/message/reply');

    clockOffsetMs = -61_000;
    const second = await gw.simulateOk('line', { from: user, text: 'and another' });
    clockOffsetMs = 0;
    const refused = await gw.send('line', user, TEXT, { replyToken: second.replyToken });
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('GW_SESSION_WINDOW');
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ pointer: TOKEN_POINTER, rule: 'reply_token_expired' }),
    ]);

    const pushed = await gw.send('line', user, TEXT, {
      replyToken: second.replyToken,
      replyTokenFallback: 'push',
    });
    expect(pushed.status).toBe(202);
    const message = await gw.waitForStatus(pushed.json.messages[0].id, ['sent', 'failed']);
    expect(message.status).toBe('sent');
    expect((message.providerRequest as { path: string }).path).toBe('/v2/bot/message/push');
    expect((message.providerRequest as { body: unknown }).body).not.toHaveProperty('replyToken');
    expect(message.degradations).toEqual([
      expect.objectContaining({ pointer: TOKEN_POINTER, from: 'reply', to: 'push' }),
    ]);
    // A token the gateway never received is the provider's to judge.
    expect((await gw.send('line', user, TEXT, { replyToken: 'f'.repeat(64) })).status).toBe(202);
    clockOffsetMs = 0;
  });
});
