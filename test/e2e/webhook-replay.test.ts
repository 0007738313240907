/**
 * WeChat signs the query of each push (token, timestamp, nonce), not its body, so a captured push
 * could be played again at any time. The gateway refuses a signed timestamp more than five
 * minutes from its clock and a nonce it has seen within that window, also after a restart. The
 * other providers sign the body (LINE, Meta, Viber) or send a fixed secret (Telegram): no
 * delivery time is signed, their redeliveries are legitimate and deduplicated by event id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../src/channels/wechat/provider/signature.ts';
import { loadConfig } from '../../src/config/config.ts';
import { type Gateway, startGateway } from '../../src/runtime.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';

const TOKEN = 'omnigateSandboxToken';
let n = 0;

/** A signed query dated `ageMs` ago, with a nonce of its own unless given. */
function signed(ageMs = 0, nonce = String(900_000 + ++n)) {
  const timestamp = String(Math.floor((Date.now() - ageMs) / 1000));
  return { signature: wechatSignature(TOKEN, timestamp, nonce), timestamp, nonce, openid: 'o_replay' };
}

const push = (id: number, text = 'hello') =>
  `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o_replay]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>77${id}</MsgId></xml>`;

describe('WeChat webhook replays', () => {
  let gw: TestGateway;
  const post = (query: Record<string, string>, body = push(++n)) =>
    gw.postWebhook('wechat', body, { 'content-type': 'text/xml' }, query);
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => gw?.close());

  it('takes a signed push once and refuses the same request played again', async () => {
    const query = signed();
    const body = push(1);
    const first = await post(query, body);
    expect(first.statusCode).toBe(200);
    const again = await post(query, body);
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/received before/);
    // The body is not signed: another body under the captured query is refused as well.
    expect((await post(query, push(2))).statusCode).toBe(401);
  });

  it.each([
    ['six minutes old', 6 * 60_000],
    ['six minutes ahead', -6 * 60_000],
    ['a day old', 86_400_000],
  ])('refuses a push signed %s', async (_what, ageMs) => {
    const res = await post(signed(ageMs));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/5-minute window/);
  });

  it('takes a push signed four minutes ago, and a new nonce in the same second', async () => {
    expect((await post(signed(4 * 60_000))).statusCode).toBe(200);
    expect((await post(signed())).statusCode).toBe(200);
  });

  it('lets the provider retry a push whose first delivery failed', async () => {
    const query = signed();
    expect((await post(query, '<xml><not-closed>')).statusCode).toBe(400);
    expect((await post(query)).statusCode).toBe(200);
  });
});

describe('after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'omnigate-replay-'));
  const start = () =>
    startGateway(loadConfig({ PORT: '0', OMNIGATE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { quiet: true });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('still refuses a nonce seen before it, within the window', async () => {
    const query = signed();
    const body = push(3);
    const postTo = (g: Gateway) => {
      const account = g.boot.sandboxAccounts.find((a) => a.channel === 'wechat')!;
      return g.app.inject({
        method: 'POST',
        url: `/webhooks/wechat/${account.id}?${new URLSearchParams(query)}`,
        payload: body,
        headers: { 'content-type': 'text/xml' },
      });
    };
    const first = await start();
    try {
      expect((await postTo(first)).statusCode).toBe(200);
    } finally {
      await first.stop();
    }
    const second = await start();
    try {
      expect((await postTo(second)).statusCode).toBe(401);
    } finally {
      await second.stop();
    }
  });
});
