/**
 * WeChat end to end through the public API: every kind WeChat carries reaches `sent` (WeChat sends
 * no receipts for customer-service messages, so `sent` is final); access tokens are fetched and
 * renewed by the dispatcher; the window, quota and sentinel refusals end `failed` with WeChat's
 * reason or are retried; signed XML pushes are stored, unsigned ones refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECHAT_SANDBOX_USERS as U } from '../../src/channels/wechat/emulator/users.ts';
import { wechatSignature } from '../../src/channels/wechat/provider/signature.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

let counter = 0;
/** A fresh openid per send, so each has its own window and quota of 5. */
function openid(): string {
  counter += 1;
  return `oE2eUser${String(counter).padStart(20, '0')}`;
}

const send = (to: string, message: unknown, options?: unknown) =>
  gw.sendAccepted('wechat', to, message, options);

describe('WeChat e2e: sending', () => {
  it.each([
    ['text', { type: 'text', text: '你好' }],
    ['image', { type: 'media', mediaType: 'image', mediaId: 'IMG_e2e_1' }],
    ['voice', { type: 'media', mediaType: 'audio', mediaId: 'VOICE_e2e_1' }],
    ['video', { type: 'media', mediaType: 'video', mediaId: 'VID_e2e_1', caption: 'clip' }],
    [
      'news',
      {
        type: 'carousel',
        cards: [{ title: 'News', defaultAction: { type: 'url', title: 'Go', url: 'https://example.com' } }],
      },
    ],
    ['msgmenu', { type: 'buttons', text: 'OK?', actions: [{ type: 'reply', title: 'Yes', payload: 'YES' }] }],
    [
      'msgmenu',
      { type: 'list', text: 'Pick', buttonText: 'Open', sections: [{ rows: [{ id: 'r1', title: 'One' }] }] },
    ],
    ['text', { type: 'location', latitude: 31.2, longitude: 121.5, title: 'Shanghai' }],
    ['typing', { type: 'sender_action', action: 'typing_on' }],
  ])('sends %s and reaches sent, which stays final', async (msgtype, message) => {
    const to = openid();
    const id = await send(to, message);
    const done = await gw.waitForStatus(id, ['sent', 'failed']);
    expect(done.status, JSON.stringify(done)).toBe('sent');
    const body = (done.providerRequest as { body: Record<string, unknown> }).body;
    expect(msgtype === 'typing' ? body['command'] : body['msgtype']).toBe(
      msgtype === 'typing' ? 'Typing' : msgtype,
    );
    expect(JSON.stringify(done.providerRequest)).toContain('{accessToken}');
    const recorded = gw.requests('wechat', to);
    expect(recorded.at(-1)?.response).toEqual({ errcode: 0, errmsg: 'ok' });
    // No receipt ever comes for a customer-service message.
    await new Promise((r) => setTimeout(r, 100));
    expect((await gw.api('GET', `/v1/messages/${id}`)).json.status).toBe('sent');
  });

  it('refuses media without a media id before storing it', async () => {
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'wechat',
      to: openid(),
      message: { type: 'media', mediaType: 'image', url: 'https://example.com/a.jpg' },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain('/message/mediaId');
  });

  it('fetches a new access token when WeChat says the old one expired', async () => {
    expect(
      (await gw.waitForStatus(await send(openid(), { type: 'text', text: 'warm up' }), ['sent'])).status,
    ).toBe('sent');
    await gw.simulateOk('wechat', {}, '/_simulate/expire-token');
    const id = await send(openid(), { type: 'text', text: 'after expiry' });
    expect((await gw.waitForStatus(id, ['sent', 'failed'])).status).toBe('sent');
    const answers = gw.requests('wechat');
    const sends = answers.filter((a) => a.path.startsWith('/cgi-bin/message/custom/send'));
    expect(sends.some((a) => (a.response as { errcode?: number }).errcode === 42001)).toBe(true);
  });
});

describe('WeChat e2e: refusals', () => {
  it.each([
    [U.windowClosed, 'wechat_45015', /48-hour window/],
    [U.quotaSpent, 'wechat_45047', /quota is spent/],
    [U.notFollower, 'wechat_40003', /invalid openid/],
    [U.unauthorized, 'wechat_48001', /api unauthorized/],
  ])('%s ends failed with %s', async (to, code, reason) => {
    const done = await gw.waitForStatus(await send(to, { type: 'text', text: 'x' }), ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(JSON.stringify(done)).toContain(code);
    expect(JSON.stringify(done)).toMatch(reason);
  });

  it.each([U.busy, U.throttled])('%s is retried and sent', async (to) => {
    const done = await gw.waitForStatus(await send(to, { type: 'text', text: 'x' }), ['sent', 'failed']);
    expect(done.status).toBe('sent');
  });

  it('spends the quota: the sixth message fails until the person writes again', async () => {
    const to = openid();
    for (let i = 0; i < 5; i++) {
      expect(
        (await gw.waitForStatus(await send(to, { type: 'text', text: `m${i}` }), ['sent', 'failed'])).status,
      ).toBe('sent');
    }
    const sixth = await gw.waitForStatus(await send(to, { type: 'text', text: 'm5' }), ['sent', 'failed']);
    expect(sixth.status).toBe('failed');
    expect(JSON.stringify(sixth)).toContain('wechat_45047');
    await gw.simulateOk('wechat', { openid: to, text: 'still here' });
    expect(
      (await gw.waitForStatus(await send(to, { type: 'text', text: 'm6' }), ['sent', 'failed'])).status,
    ).toBe('sent');
  });
});

describe('WeChat e2e: inbound', () => {
  it('stores a simulated message and a msgmenu tap as a postback', async () => {
    const from = openid();
    const answer = await gw.simulateOk('wechat', { openid: from, text: 'hello account' });
    expect(answer).toMatchObject({ status: 200, body: 'success' });
    await gw.simulateOk('wechat', { openid: from, text: 'Yes', menuId: 'YES_E2E' });
    expect(
      (await gw.inbound('message')).some((e) => e.event.from === from && e.event.text === 'hello account'),
    ).toBe(true);
    expect(
      (await gw.inbound('postback')).some((e) => e.event.from === from && e.event.payload === 'YES_E2E'),
    ).toBe(true);
  });

  it('maps a typed number to the choice of a carousel sent as text', async () => {
    const to = openid();
    const id = await send(to, {
      type: 'carousel',
      cards: [
        { title: 'Hat', actions: [{ type: 'reply', title: 'Buy hat', payload: 'BUY_HAT_E2E' }] },
        { title: 'Scarf', actions: [{ type: 'reply', title: 'Buy scarf', payload: 'BUY_SCARF_E2E' }] },
      ],
    });
    expect((await gw.waitForStatus(id, ['sent', 'failed'])).status).toBe('sent');
    await gw.simulateOk('wechat', { openid: to, text: '2' });
    const tap = (await gw.inbound('postback')).find((e) => e.event.from === to);
    expect(tap?.event).toMatchObject({ payload: 'BUY_SCARF_E2E', choice: { messageId: id, number: 2 } });
  });

  function signed(token = 'omnigateSandboxToken') {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '1234567';
    return { signature: wechatSignature(token, timestamp, nonce), timestamp, nonce };
  }
  const push = (from: string) =>
    `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[direct]]></Content><MsgId>88${counter}</MsgId></xml>`;
  const postPush = (query: Record<string, string>, from: string) =>
    gw.postWebhook('wechat', push(from), { 'content-type': 'text/xml' }, query);

  it('accepts a signed push with plain-text success and refuses a bad or missing signature', async () => {
    const good = await postPush(signed(), openid());
    expect(good.statusCode).toBe(200);
    expect(good.body).toBe('success');
    expect((await postPush(signed('wrongToken'), openid())).statusCode).toBe(401);
    expect((await postPush({}, openid())).statusCode).toBe(401);
  });

  it('echoes echostr on a signed GET and refuses an unsigned one', async () => {
    const ok = await gw.app.inject({
      method: 'GET',
      url: `/webhooks/wechat/${gw.accountId('wechat')}?${new URLSearchParams({ ...signed(), echostr: 'e2e-echo' })}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('e2e-echo');
    const bad = await gw.app.inject({
      method: 'GET',
      url: `/webhooks/wechat/${gw.accountId('wechat')}?${new URLSearchParams({ ...signed('nope'), echostr: 'e2e-echo' })}`,
    });
    expect(bad.statusCode).toBeGreaterThanOrEqual(400);
  });
});
