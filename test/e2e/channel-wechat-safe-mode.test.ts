/**
 * WeChat's compatible and safe modes through the public webhook: pushes sealed the way WeChat
 * seals them (the tests' own encryption, test/support/wechat-seal.ts, and WeChat's published
 * sample push verbatim) are stored as inbound events and answered `success`; a forged
 * msg_signature, a tampered ciphertext, another appid, bad padding or a length that does not fit
 * are refused like a bad signature and store nothing; replays are refused as in plaintext mode;
 * plaintext pushes still work; the emulator round-trips in safe and compatible mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WECHAT_SANDBOX_CREDENTIALS as SANDBOX } from '../../src/channels/wechat/options.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import {
  encryptOf,
  msgSignature,
  querySignature,
  type SafePushAccount,
  safePush,
  textMessage,
  unseal,
} from '../support/wechat-seal.ts';
import { PYTHON, PYTHON_PUSH, SAMPLE_KEY } from '../support/wechat-vectors.ts';

let gw: TestGateway;
let clockOffsetMs = 0;

beforeAll(async () => {
  gw = await startTestGateway({}, { now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(async () => gw.close());

const account: SafePushAccount = {
  appId: SANDBOX.appId,
  token: SANDBOX.token,
  encodingAesKey: SANDBOX.encodingAesKey,
};

let counter = 0;
function openid(): string {
  counter += 1;
  return `oSafeMode${String(counter).padStart(19, '0')}`;
}
const msgId = () => `91${Date.now()}${counter}`;

const post = (push: { body: string; query: Record<string, string> }, accountId = gw.accountId('wechat')) =>
  gw.app.inject({
    method: 'POST',
    url: `/webhooks/wechat/${accountId}?${new URLSearchParams(push.query)}`,
    payload: push.body,
    headers: { 'content-type': 'text/xml' },
  });

/** Everything stored from `from`, of any kind. */
const storedFrom = async (from: string) => (await gw.inbound()).filter((e) => e.event.from === from);

describe('WeChat safe mode: pushes sealed as WeChat seals them', () => {
  it('stores a safe-mode text and answers plain success', async () => {
    const from = openid();
    const res = await post(safePush(account, textMessage(from, '加密的你好', msgId()), { openid: from }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('success');
    expect(await storedFrom(from)).toEqual([
      expect.objectContaining({ kind: 'message', event: expect.objectContaining({ text: '加密的你好' }) }),
    ]);
  });

  it("stores WeChat's published sample push, taking the sealed message over the unsigned plaintext", async () => {
    const created = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'wechat',
      name: 'WeChat sample vector',
      credentials: {
        appId: PYTHON.appId,
        appSecret: '0123456789abcdef0123456789abcdef',
        token: PYTHON.token,
        encodingAesKey: SAMPLE_KEY,
      },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const query = {
      timestamp: PYTHON.timestamp,
      nonce: PYTHON.nonce,
      encrypt_type: 'aes',
      msg_signature: PYTHON.msgSignature,
    };
    // Compatible mode: nothing signs the plaintext fields, so a changed Content must not be stored.
    const body = PYTHON_PUSH.replace('<Content><![CDATA[abcdteT]]>', '<Content><![CDATA[forged]]>');
    clockOffsetMs = Number(PYTHON.timestamp) * 1000 - Date.now();
    try {
      const res = await post({ body, query }, created.json.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body).toBe('success');
    } finally {
      clockOffsetMs = 0;
    }
    const stored = await storedFrom('oyORnuP8q7ou2gfYjqLzSIWZf0rs');
    expect(stored).toEqual([
      expect.objectContaining({
        kind: 'message',
        event: expect.objectContaining({ text: 'abcdteT', providerEventId: '6054768590064713728' }),
      }),
    ]);
  });

  it('takes a plaintext push on the same account (no encrypt_type)', async () => {
    const from = openid();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '70001';
    const res = await post({
      body: textMessage(from, 'plain still works', msgId()),
      query: { signature: querySignature(account.token, timestamp, nonce), timestamp, nonce, openid: from },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await storedFrom(from))[0]?.event).toMatchObject({ text: 'plain still works' });
  });
});

describe('WeChat safe mode: refused like a bad signature, storing nothing', () => {
  async function expectRefused(push: { body: string; query: Record<string, string> }, from: string) {
    const res = await post(push);
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ detail: 'The webhook signature does not match' });
    expect(await storedFrom(from)).toEqual([]);
  }
  /** Re-signs a push whose Encrypt was changed, as someone holding the token (not the key) could. */
  function resigned(push: { body: string; query: Record<string, string> }, encrypt: string) {
    const { timestamp = '', nonce = '' } = push.query;
    return {
      body: push.body.replace(encryptOf(push.body), encrypt),
      query: { ...push.query, msg_signature: msgSignature(account.token, timestamp, nonce, encrypt) },
    };
  }

  it('refuses a forged msg_signature, and a missing one', async () => {
    const from = openid();
    const push = safePush(account, textMessage(from, 'x', msgId()), { openid: from });
    await expectRefused({ ...push, query: { ...push.query, msg_signature: 'f'.repeat(40) } }, from);
    // The query's plain `signature` is still right, but it covers nothing of the body.
    const { msg_signature: _dropped, ...unsigned } = push.query;
    await expectRefused({ ...push, query: unsigned }, from);
  });

  it('refuses a tampered ciphertext, signed or not', async () => {
    const from = openid();
    const push = safePush(account, textMessage(from, 'tamper me', msgId()), { openid: from });
    const bytes = Buffer.from(push.encrypt, 'base64');
    bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0x01;
    const tampered = bytes.toString('base64');
    await expectRefused({ ...push, body: push.body.replace(push.encrypt, tampered) }, from);
    // Re-signed: the last block decrypts to garbage, so its padding (or the appid) gives it away.
    await expectRefused(resigned(push, tampered), from);
  });

  it('refuses a message sealed for another appid', async () => {
    const from = openid();
    await expectRefused(
      safePush(account, textMessage(from, 'x', msgId()), { openid: from, appId: 'wx0000000000000000' }),
      from,
    );
  });

  it('refuses bad padding and a length that does not fit', async () => {
    const from = openid();
    const xml = textMessage(from, 'x', msgId());
    const padding = Buffer.alloc(32, 0);
    const bodyBytes = 20 + Buffer.byteLength(xml) + account.appId.length;
    const fill = 32 - (bodyBytes % 32);
    padding.fill(fill, 0, fill);
    padding[0] = fill === 1 ? 2 : fill - 1;
    await expectRefused(
      safePush(account, xml, { openid: from, faults: { padding: padding.subarray(0, fill) } }),
      from,
    );
    await expectRefused(safePush(account, xml, { openid: from, faults: { length: 1 << 20 } }), from);
  });
});

describe('WeChat safe mode: replays', () => {
  it('takes a sealed push once, and refuses it played again or dated outside the window', async () => {
    const from = openid();
    const push = safePush(account, textMessage(from, 'once', msgId()), { openid: from });
    expect((await post(push)).statusCode).toBe(200);
    const again = await post(push);
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/received before/);
    const stale = safePush(account, textMessage(openid(), 'old', msgId()), {
      timestampS: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    const late = await post(stale);
    expect(late.statusCode).toBe(401);
    expect(late.json().detail).toMatch(/5-minute window/);
    expect(await storedFrom(from)).toHaveLength(1);
  });
});

describe('WeChat safe mode: the emulator', () => {
  afterAll(async () => {
    await gw.simulateOk('wechat', { mode: 'plaintext' }, '/_simulate/encryption');
  });

  it.each([
    ['safe', false],
    ['compatible', true],
  ] as const)('pushes in %s mode, sealed, and the gateway stores it', async (mode, plaintextBeside) => {
    expect(await gw.simulateOk('wechat', { mode }, '/_simulate/encryption')).toEqual({ mode });
    const from = openid();
    const answer = await gw.simulateOk('wechat', { openid: from, text: `sealed ${mode}` });
    expect(answer).toMatchObject({ status: 200, body: 'success', mode });
    const sent = answer.sent as string;
    expect(sent.includes(`sealed ${mode}`)).toBe(plaintextBeside);
    const opened = unseal(encryptOf(sent), account.encodingAesKey);
    expect(opened).toEqual({ message: answer.message, appId: account.appId });
    expect(opened.message).toContain(`<Content><![CDATA[sealed ${mode}]]></Content>`);
    expect((await storedFrom(from))[0]?.event).toMatchObject({ text: `sealed ${mode}` });
    // A sealed msgmenu tap comes back as its postback.
    await gw.simulateOk('wechat', { openid: from, text: 'Yes', menuId: `MENU_${mode}` });
    expect(
      (await gw.inbound('postback')).some((e) => e.event.from === from && e.event.payload === `MENU_${mode}`),
    ).toBe(true);
  });

  it('refuses a mode WeChat does not have', async () => {
    const res = await gw.simulate('wechat', { mode: 'aes' }, '/_simulate/encryption');
    expect(res.statusCode).toBe(400);
  });
});
