/**
 * The emulator refuses what WeChat refuses, with WeChat's errcodes: access tokens, malformed
 * bodies, the 48-hour window, the per-interaction quota and the sentinel openids.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECHAT_SANDBOX_USERS as U } from '../../../src/channels/wechat/emulator/users.ts';
import { fetchToken, freshOpenid, harness, PREFIX, post, render, sendWithToken } from './helpers.ts';

let app: FastifyInstance;
let recorder: Awaited<ReturnType<typeof harness.buildSandbox>>['recorder'];
beforeAll(async () => {
  ({ app, recorder } = await harness.buildSandbox());
});
afterAll(async () => app.close());

const creds = { appid: 'wx5a4d5b0c0ffee001', secret: '0123456789abcdef0123456789abcdef' };
const errcode = (body: unknown) => (body as { errcode?: unknown } | undefined)?.errcode;

async function sendRaw(body: string, token?: string, path = '/cgi-bin/message/custom/send') {
  const t = token ?? (await fetchToken(app));
  return post(app, `${path}?access_token=${encodeURIComponent(t)}`, body);
}
const text = (to: string, content = 'hi') =>
  JSON.stringify({ touser: to, msgtype: 'text', text: { content } });
const sendText = async (to: string) => (await sendRaw(text(to))).body;

describe('WeChat emulator: access tokens', () => {
  it('issues a stable token: the same one until it expires or a refresh is forced', async () => {
    const first = await post(
      app,
      '/cgi-bin/stable_token',
      JSON.stringify({ grant_type: 'client_credential', ...creds }),
    );
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ access_token: expect.any(String), expires_in: expect.any(Number) });
    expect(first.body['expires_in']).toBeLessThanOrEqual(7200);
    const again = await post(
      app,
      '/cgi-bin/stable_token',
      JSON.stringify({ grant_type: 'client_credential', ...creds }),
    );
    expect(again.body['access_token']).toBe(first.body['access_token']);
    const forced = await post(
      app,
      '/cgi-bin/stable_token',
      JSON.stringify({ grant_type: 'client_credential', ...creds, force_refresh: true }),
    );
    expect(forced.body['access_token']).not.toBe(first.body['access_token']);
    // The forced refresh invalidated the old token.
    expect(errcode((await sendRaw(text(freshOpenid()), String(first.body['access_token']))).body)).toBe(
      40001,
    );
  });

  it.each([
    [{ grant_type: 'password', ...creds }, 40002],
    [{ grant_type: 'client_credential', ...creds, appid: 'wx0000000000000000' }, 40013],
    [{ grant_type: 'client_credential', ...creds, secret: 'f'.repeat(32) }, 40125],
  ])('refuses a bad token request %j with %i', async (body, code) => {
    const res = await post(app, '/cgi-bin/stable_token', JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errcode: code, errmsg: expect.stringMatching(/ rid: /) });
  });

  it('answers 41001 without a token, 40001 for a wrong one and 42001 once it expired', async () => {
    expect(errcode((await post(app, '/cgi-bin/message/custom/send', text(freshOpenid()))).body)).toBe(41001);
    expect(errcode((await sendRaw(text(freshOpenid()), 'not-the-token')).body)).toBe(40001);
    const token = await fetchToken(app);
    await app.inject({ method: 'POST', url: `${PREFIX}/_simulate/expire-token` });
    expect(errcode((await sendRaw(text(freshOpenid()), token)).body)).toBe(42001);
    const renewed = await fetchToken(app);
    expect(renewed).not.toBe(token);
    expect((await sendRaw(text(freshOpenid()), renewed)).body).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('records the path with the token placeholder and never the secret', async () => {
    await sendText(freshOpenid());
    const paths = recorder.entries.map((e) => e.path);
    expect(paths).toContain('/cgi-bin/message/custom/send?access_token={accessToken}');
    expect(JSON.stringify(recorder.entries)).not.toContain(creds.secret);
    const token = await fetchToken(app);
    expect(JSON.stringify(recorder.entries.map((e) => [e.path, e.body]))).not.toContain(token);
  });
});

describe('WeChat emulator: bodies', () => {
  it.each([
    ['', 44002],
    ['{not json', 47001],
    [JSON.stringify({ touser: 'short', msgtype: 'text', text: { content: 'x' } }), 40003],
    [JSON.stringify({ touser: U.follower, msgtype: 'sticker', sticker: {} }), 40008],
    [JSON.stringify({ touser: U.follower, msgtype: 'text', text: { content: 'x', colour: 'red' } }), 47001],
    [JSON.stringify({ touser: U.follower, msgtype: 'text', text: { content: 'x' }, extra: 1 }), 47001],
    [JSON.stringify({ touser: U.follower, msgtype: 'text', text: { content: '' } }), 44004],
    [JSON.stringify({ touser: U.follower, msgtype: 'text', text: 'hi' }), 47001],
    [JSON.stringify({ touser: U.follower, msgtype: 'image', image: { media_id: 'bad id!' } }), 40007],
    [JSON.stringify({ touser: U.follower, msgtype: 'video', video: { title: 'no media' } }), 47001],
    [JSON.stringify({ touser: U.follower, msgtype: 'news', news: { articles: [] } }), 44003],
    [
      JSON.stringify({
        touser: U.follower,
        msgtype: 'news',
        news: {
          articles: [
            { title: 'a', url: 'https://a.example' },
            { title: 'b', url: 'https://b.example' },
          ],
        },
      }),
      45008,
    ],
    [JSON.stringify({ touser: U.follower, msgtype: 'news', news: { articles: [{ title: 'a' }] } }), 47001],
    [
      JSON.stringify({ touser: U.follower, msgtype: 'msgmenu', msgmenu: { head_content: 'x', list: [] } }),
      47001,
    ],
    [
      JSON.stringify({
        touser: U.follower,
        msgtype: 'msgmenu',
        msgmenu: { list: [{ id: 101, content: 'yes' }] },
      }),
      47001,
    ],
  ])('refuses %s with %i', async (body, code) => {
    const res = await sendRaw(body);
    expect(res.status).toBe(200);
    expect(errcode(res.body)).toBe(code);
  });

  it('refuses a typing command it does not know', async () => {
    const res = await sendRaw(
      JSON.stringify({ touser: freshOpenid(), command: 'Dancing' }),
      undefined,
      '/cgi-bin/message/custom/typing',
    );
    expect(errcode(res.body)).toBe(47001);
  });
});

describe('WeChat emulator: the window and the quota', () => {
  it('allows 5 messages per user message, then 45047 until the person writes again', async () => {
    const openid = freshOpenid();
    for (let i = 0; i < 5; i++) expect(await sendText(openid)).toEqual({ errcode: 0, errmsg: 'ok' });
    const spent = await sendText(openid);
    expect(spent).toMatchObject({
      errcode: 45047,
      errmsg: expect.stringMatching(/^out of response count limit/),
    });
    // A message from the person opens a fresh window (the webhook is optional for the window).
    await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid, text: 'again' },
    });
    expect(await sendText(openid)).toEqual({ errcode: 0, errmsg: 'ok' });
  });

  it('allows 3 messages after a follow, then 45047', async () => {
    const openid = freshOpenid();
    await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid, event: 'subscribe' },
    });
    for (let i = 0; i < 3; i++) expect(errcode(await sendText(openid))).toBe(0);
    expect(errcode(await sendText(openid))).toBe(45047);
  });

  it('answers 45015 once the interaction is 48 hours old; typing needs the window but spends no quota', async () => {
    const openid = freshOpenid();
    const typing = render({ type: 'sender_action', action: 'typing_on' }, openid).request;
    for (let i = 0; i < 7; i++)
      expect((await sendWithToken(app, typing)).body).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(errcode(await sendText(openid))).toBe(0);
    await app.inject({ method: 'POST', url: `${PREFIX}/_simulate/age`, payload: { openid, hours: 47.9 } });
    expect(errcode(await sendText(openid))).toBe(0);
    await app.inject({ method: 'POST', url: `${PREFIX}/_simulate/age`, payload: { openid, hours: 0.2 } });
    expect(await sendText(openid)).toMatchObject({
      errcode: 45015,
      errmsg: expect.stringMatching(/^response out of time limit or subscription is canceled/),
    });
    expect(errcode((await sendWithToken(app, typing)).body)).toBe(45015);
  });
});

describe('WeChat emulator: sentinel openids', () => {
  it.each([
    [U.notFollower, 40003],
    [U.unsubscribed, 43004],
    [U.unauthorized, 48001],
    [U.windowClosed, 45015],
    [U.quotaSpent, 45047],
  ])('%s always answers %i', async (openid, code) => {
    expect(errcode(await sendText(openid))).toBe(code);
    expect(errcode(await sendText(openid))).toBe(code);
  });

  it.each([
    [U.throttled, 45009],
    [U.busy, -1],
  ])('%s answers %i on every other call', async (openid, code) => {
    expect(errcode(await sendText(openid))).toBe(code);
    expect(errcode(await sendText(openid))).toBe(0);
    expect(errcode(await sendText(openid))).toBe(code);
  });
});
