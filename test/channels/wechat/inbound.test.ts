/**
 * Inbound pushes: the sorted-sha1 query signature (good, bad, missing), the echostr handshake,
 * XML decoding and the events a push becomes; and the emulator's simulated pushes, which the
 * connector must verify and parse.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatConnector } from '../../../src/channels/wechat/index.ts';
import { wechatSignature } from '../../../src/channels/wechat/signature.ts';
import { startServer } from '../../support/http-server.ts';
import { freshOpenid, harness, PREFIX, render, sendWithToken } from './helpers.ts';

const creds = wechatConnector.sandboxCredentials;
const TOKEN = creds['token'] ?? '';

function signedQuery(token = TOKEN, timestamp = '1700000000', nonce = '387456') {
  return { signature: wechatSignature(token, timestamp, nonce), timestamp, nonce };
}

const xml = (inner: string) => Buffer.from(`<xml>${inner}</xml>`);
const parse = (raw: Buffer) => wechatConnector.parseInbound(wechatConnector.decodeInbound?.(raw));

describe('WeChat webhook signature', () => {
  it('is sha1 of the sorted, concatenated token, timestamp and nonce', () => {
    const expected = createHash('sha1')
      .update(['omnigateSandboxToken', '1700000000', '387456'].sort().join(''))
      .digest('hex');
    expect(wechatSignature(TOKEN, '1700000000', '387456')).toBe(expected);
    // Sorting, not a fixed order: swapping timestamp and nonce gives the same signature.
    expect(wechatSignature(TOKEN, '387456', '1700000000')).toBe(expected);
  });

  it('accepts a good signature and refuses a bad or missing one', () => {
    const rawBody = xml('<MsgType>text</MsgType>');
    const verify = (query?: Record<string, string>) =>
      wechatConnector.verifyInbound({ rawBody, headers: {}, ...(query ? { query } : {}) }, creds);
    expect(verify(signedQuery())).toBe(true);
    expect(verify(signedQuery('anotherToken'))).toBe(false);
    expect(verify({ ...signedQuery(), nonce: '999999' })).toBe(false);
    expect(verify({ timestamp: '1700000000', nonce: '387456' })).toBe(false);
    expect(verify({})).toBe(false);
    expect(verify()).toBe(false);
  });

  it('echoes echostr only for a signed handshake', () => {
    expect(wechatConnector.handshake?.({ ...signedQuery(), echostr: '5830120541' }, creds)).toBe(
      '5830120541',
    );
    expect(
      wechatConnector.handshake?.({ ...signedQuery('bad'), echostr: '5830120541' }, creds),
    ).toBeUndefined();
    expect(wechatConnector.handshake?.(signedQuery(), creds)).toBeUndefined();
  });

  it('answers pushes with plain-text success', () => {
    expect(wechatConnector.inboundAck).toEqual({ contentType: 'text/plain; charset=utf-8', body: 'success' });
  });
});

describe('WeChat push parsing', () => {
  const head =
    '<ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[o6_bmjrPTlm6_2sgVt7hMZOPfL2M]]></FromUserName><CreateTime>1700000000</CreateTime>';

  it('turns a text into a message, keeping the 64-bit MsgId exact', () => {
    const events = parse(
      xml(
        `${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 <b>]]></Content><MsgId>23992134561234567890</MsgId>`,
      ),
    );
    expect(events).toEqual([
      {
        kind: 'message',
        providerEventId: '23992134561234567890',
        from: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
        contentType: 'text',
        text: '你好 <b>',
        occurredAt: new Date(1_700_000_000_000),
      },
    ]);
  });

  it('turns a msgmenu tap (bizmsgmenuid) into a postback with the item id', () => {
    const events = parse(
      xml(
        `${head}<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[满意]]></Content><MsgId>1</MsgId><bizmsgmenuid>101</bizmsgmenuid>`,
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: 'postback', payload: '101', providerEventId: '1' }),
    ]);
  });

  it('turns menu CLICK into a postback and other events into `other`', () => {
    const click = parse(
      xml(`${head}<MsgType>event</MsgType><Event>CLICK</Event><EventKey>V1001_TODAY</EventKey>`),
    );
    expect(click).toEqual([
      expect.objectContaining({
        kind: 'postback',
        payload: 'V1001_TODAY',
        providerEventId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M:1700000000:CLICK',
      }),
    ]);
    const follow = parse(xml(`${head}<MsgType>event</MsgType><Event>subscribe</Event>`));
    expect(follow).toEqual([expect.objectContaining({ kind: 'other', type: 'event:subscribe' })]);
  });

  it('keeps the type of media messages', () => {
    const image = parse(
      xml(`${head}<MsgType>image</MsgType><PicUrl>https://x/y</PicUrl><MediaId>m1</MediaId><MsgId>7</MsgId>`),
    );
    expect(image).toEqual([
      expect.objectContaining({ kind: 'message', contentType: 'image', providerEventId: '7' }),
    ]);
    expect(image[0]).not.toHaveProperty('text');
  });

  it('throws on malformed XML', () => {
    expect(() => wechatConnector.decodeInbound?.(Buffer.from('<xml><a></xml>'))).toThrow();
    expect(() => wechatConnector.decodeInbound?.(Buffer.from('{"json":true}'))).toThrow();
  });
});

describe('WeChat emulator pushes', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('success');
    });
  });
  afterAll(async () => server.close());

  it('posts signed XML that the connector verifies and parses, and opens the window', async () => {
    const { app } = await harness.buildSandbox(`${server.url}/webhooks/wechat/acc1`);
    const openid = freshOpenid();
    // Age the first-sight window out, so only the simulated message can reopen it.
    await app.inject({ method: 'POST', url: `${PREFIX}/_simulate/age`, payload: { openid, hours: 49 } });
    const closed = await sendWithToken(app, render({ type: 'text', text: 'x' }, openid).request);
    expect(closed.body).toMatchObject({ errcode: 45015 });

    const res = await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid, text: '满意', menuId: '101' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 200, body: 'success' });
    const got = server.received.at(-1);
    expect(got?.headers['content-type']).toBe('text/xml');
    const url = new URL(got?.url ?? '', server.url);
    expect(url.pathname).toBe('/webhooks/wechat/acc1');
    const query = Object.fromEntries(url.searchParams);
    expect(query['openid']).toBe(openid);
    const rawBody = Buffer.from(got?.body ?? '');
    expect(wechatConnector.verifyInbound({ rawBody, headers: got?.headers ?? {}, query }, creds)).toBe(true);
    expect(parse(rawBody)).toEqual([
      expect.objectContaining({ kind: 'postback', from: openid, payload: '101' }),
    ]);

    const reopened = await sendWithToken(app, render({ type: 'text', text: 'x' }, openid).request);
    expect(reopened.body).toEqual({ errcode: 0, errmsg: 'ok' });
    await app.close();
  });

  it('refuses a simulation without a webhook URL or with a bad openid', async () => {
    const { app } = await harness.buildSandbox();
    const noHook = await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid: freshOpenid(), text: 'hi' },
    });
    expect(noHook.statusCode).toBe(409);
    const bad = await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid: 'nope', text: 'hi' },
    });
    expect(bad.statusCode).toBe(400);
    await app.close();
  });
});
