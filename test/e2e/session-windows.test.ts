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

async function writeIn(channel: string, payload: Record<string, string>) {
  const res = await gw.app.inject({
    method: 'POST',
    url: `/sandbox/${channel}/_simulate/message`,
    headers: { 'content-type': 'application/json' },
    payload,
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

const send = (channel: string, to: string, message: unknown, options?: unknown) =>
  gw.api('POST', '/v1/messages', {
    channel,
    to,
    message,
    ...(options ? { options: { [channel]: options } } : {}),
  });

const TEXT = { type: 'text', text: 'Following up' };

describe('session windows', () => {
  it('refuses WhatsApp free-form text after 24 h of silence, but not a template', async () => {
    const person = '15557770001';
    await writeIn('whatsapp', { from: person, text: 'hello' });
    clockOffsetMs = 23 * HOUR;
    expect((await send('whatsapp', person, TEXT)).status).toBe(202);

    clockOffsetMs = 25 * HOUR;
    const refused = await send('whatsapp', person, TEXT);
    expect(refused.status).toBe(422);
    expect(refused.json.code).toBe('GW_SESSION_WINDOW');
    expect(refused.json.errors).toEqual([
      expect.objectContaining({
        pointer: '/to',
        rule: 'session_window',
        detail: expect.stringMatching(/24-hour window only approved templates/),
      }),
    ]);
    const template = await send('whatsapp', person, {
      type: 'template',
      name: 'order_update',
      language: 'en_US',
      parameters: { name: 'Ann' },
    });
    expect(template.status).toBe(202);
    // Someone the gateway never heard from: the provider decides.
    expect((await send('whatsapp', '15557770002', TEXT)).status).toBe(202);
    clockOffsetMs = 0;
  });

  it('refuses untagged Messenger messages after 24 h, and lets a tagged one through', async () => {
    const psid = '7100000000000001';
    await writeIn('messenger', { from: psid, text: 'hi' });
    clockOffsetMs = 30 * HOUR;
    expect((await send('messenger', psid, TEXT)).status).toBe(422);
    const tagged = await send('messenger', psid, TEXT, {
      messagingType: 'MESSAGE_TAG',
      tag: 'ACCOUNT_UPDATE',
    });
    expect(tagged.status).toBe(202);
    clockOffsetMs = 0;
  });

  it("keeps WeChat's window at 48 h", async () => {
    const openid = `oWindow${'0'.repeat(21)}`;
    await writeIn('wechat', { openid, text: 'ni hao' });
    clockOffsetMs = 47 * HOUR;
    expect((await send('wechat', openid, TEXT)).status).toBe(202);
    clockOffsetMs = 49 * HOUR;
    expect((await send('wechat', openid, TEXT)).json.errors).toEqual([
      expect.objectContaining({ rule: 'session_window', detail: expect.stringMatching(/48-hour/) }),
    ]);
    clockOffsetMs = 0;
  });
});
