/**
 * Inbound pushes: the sorted-sha1 query signature (good, bad, missing), the echostr handshake,
 * XML decoding and the events a push becomes; encrypted (compatible and safe mode) pushes with
 * and without the account's EncodingAESKey; and the emulator's simulated pushes, plaintext and
 * sealed, which the connector must verify, open and parse.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatConnector } from '../../../src/channels/wechat/index.ts';
import { wechatSignature } from '../../../src/channels/wechat/provider/signature.ts';
import type { Credentials, InboundRequest } from '../../../src/core/vocabulary/channel.ts';
import { startServer } from '../../support/http-server.ts';
import { encryptOf, safePush, textMessage, unseal } from '../../support/wechat-seal.ts';
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

describe('WeChat encrypted pushes', () => {
  const account = {
    appId: creds['appId'] ?? '',
    token: TOKEN,
    encodingAesKey: creds['encodingAesKey'] ?? '',
  };
  const open = (request: InboundRequest, credentials: Credentials = creds) =>
    wechatConnector.verifyInbound(request, credentials)
      ? wechatConnector.openInbound?.(request, credentials)
      : undefined;
  const asRequest = (push: { body: string; query: Record<string, string> }): InboundRequest => ({
    rawBody: Buffer.from(push.body),
    headers: {},
    query: push.query,
  });

  it('opens a safe-mode push to the message inside, which parses as a plaintext push would', () => {
    const openid = freshOpenid();
    const xmlText = textMessage(openid, '安全模式', '42');
    const opened = open(asRequest(safePush(account, xmlText, { openid })));
    expect(opened?.toString()).toBe(xmlText);
    expect(parse(opened ?? Buffer.alloc(0))).toEqual([
      expect.objectContaining({ kind: 'message', from: openid, text: '安全模式', providerEventId: '42' }),
    ]);
  });

  it('passes a plaintext push through untouched, key or no key', () => {
    const rawBody = xml('<MsgType>text</MsgType>');
    const request = { rawBody, headers: {}, query: signedQuery() };
    expect(open(request)).toBe(rawBody);
    const { encodingAesKey: _none, ...keyless } = creds;
    expect(open(request, keyless)).toBe(rawBody);
  });

  it('refuses a push sealed for another appid, or with a forged msg_signature', () => {
    const push = safePush(account, textMessage(freshOpenid(), 'x', '1'), { appId: 'wx0000000000000000' });
    expect(wechatConnector.verifyInbound(asRequest(push), creds)).toBe(true);
    expect(wechatConnector.openInbound?.(asRequest(push), creds)).toBeUndefined();
    const good = safePush(account, textMessage(freshOpenid(), 'x', '2'));
    const forged = { ...good, query: { ...good.query, msg_signature: '0'.repeat(40) } };
    expect(wechatConnector.verifyInbound(asRequest(forged), creds)).toBe(false);
  });

  it('without the EncodingAESKey, checks the plain signature and keeps only that something came', () => {
    const { encodingAesKey: _none, ...keyless } = creds;
    const push = safePush(account, textMessage(freshOpenid(), 'x', '3'));
    const opened = open(asRequest(push), keyless);
    expect(opened?.toString()).toBe(push.body);
    expect(parse(opened ?? Buffer.alloc(0))).toEqual([
      expect.objectContaining({ kind: 'other', type: 'encrypted' }),
    ]);
    const unsigned = { ...push, query: { ...push.query, signature: '0'.repeat(40) } };
    expect(open(asRequest(unsigned), keyless)).toBeUndefined();
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

  it('seals pushes in safe mode: ToUserName and Encrypt only, msg_signature in the query', async () => {
    const { app } = await harness.buildSandbox(`${server.url}/webhooks/wechat/acc1`);
    const mode = await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/encryption`,
      payload: { mode: 'safe' },
    });
    expect(mode.json()).toEqual({ mode: 'safe' });
    const openid = freshOpenid();
    const res = await app.inject({
      method: 'POST',
      url: `${PREFIX}/_simulate/message`,
      payload: { openid, text: '密' },
    });
    expect(res.json()).toMatchObject({ status: 200, body: 'success', mode: 'safe' });
    const got = server.received.at(-1);
    const query = Object.fromEntries(new URL(got?.url ?? '', server.url).searchParams);
    expect(Object.keys(query).sort()).toEqual(
      ['encrypt_type', 'msg_signature', 'nonce', 'openid', 'signature', 'timestamp'].sort(),
    );
    expect(query['encrypt_type']).toBe('aes');
    const body = got?.body ?? '';
    expect(body).toMatch(
      /^<xml><ToUserName><!\[CDATA\[gh_[0-9a-f]{12}\]\]><\/ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><\/xml>$/,
    );
    expect(unseal(encryptOf(body), creds['encodingAesKey'] ?? '').appId).toBe(creds['appId']);
    const request = { rawBody: Buffer.from(body), headers: got?.headers ?? {}, query };
    expect(wechatConnector.verifyInbound(request, creds)).toBe(true);
    expect(parse(wechatConnector.openInbound?.(request, creds) ?? Buffer.alloc(0))).toEqual([
      expect.objectContaining({ kind: 'message', from: openid, text: '密' }),
    ]);
    await app.close();
  });

  it('refuses compatible or safe mode to an account without an EncodingAESKey, as the console does', async () => {
    const { encodingAesKey: _none, ...keyless } = creds;
    const { app } = await harness.buildSandbox(`${server.url}/webhooks/wechat/acc1`, keyless);
    const set = (mode: string) =>
      app.inject({ method: 'POST', url: `${PREFIX}/_simulate/encryption`, payload: { mode } });
    expect((await set('safe')).statusCode).toBe(409);
    expect((await set('compatible')).statusCode).toBe(409);
    expect((await set('plaintext')).statusCode).toBe(200);
    expect((await set('raw')).statusCode).toBe(400);
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
