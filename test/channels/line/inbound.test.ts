import { describe, expect, it } from 'vitest';
import { lineValidators } from '../../../src/channels/line/emulator/index.ts';
import { lineConnector } from '../../../src/channels/line/index.ts';
import { signLineBody } from '../../../src/channels/line/provider/api.ts';

const secret = 'test-channel-secret';
const creds = { channelAccessToken: 't', channelSecret: secret };
const body = Buffer.from('{"destination":"U0","events":[]}');

describe('LINE webhook signature', () => {
  const verify = (raw: Buffer, signature: string | string[] | undefined) =>
    lineConnector.verifyInbound({ rawBody: raw, headers: { 'x-line-signature': signature } }, creds);

  it('accepts the signature of the exact bytes', () => {
    expect(verify(body, signLineBody(body, secret))).toBe(true);
    expect(verify(body, [signLineBody(body, secret)])).toBe(true);
  });

  it('refuses a signature under another secret, a tampered body, a length mismatch or none', () => {
    expect(verify(body, signLineBody(body, 'other'))).toBe(false);
    expect(verify(Buffer.from(`${body.toString()} `), signLineBody(body, secret))).toBe(false);
    expect(verify(body, signLineBody(body, secret).slice(0, -2))).toBe(false);
    expect(verify(body, `${signLineBody(body, secret)}A`)).toBe(false);
    expect(verify(body, undefined)).toBe(false);
    expect(lineConnector.verifyInbound({ rawBody: body, headers: {} }, creds)).toBe(false);
  });

  it('matches a known HMAC-SHA256 vector', () => {
    // echo -n '{}' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(signLineBody('{}', 'secret')).toBe('dzJZAsrKgS3CWXM6rNBGtzgXNyx3e42VtAJkdHRRbhM=');
  });
});

const base = {
  mode: 'active',
  timestamp: 1_700_000_000_000,
  deliveryContext: { isRedelivery: false },
  source: { type: 'user', userId: `U${'1'.repeat(32)}` },
};
const WEBHOOK = {
  destination: `U${'f'.repeat(32)}`,
  events: [
    {
      ...base,
      type: 'message',
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZR',
      replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
      message: { id: '444573844083572737', type: 'text', text: 'Hello', quoteToken: 'q3Plxr4AgKd' },
    },
    {
      ...base,
      type: 'message',
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZS',
      replyToken: 'r2',
      message: {
        id: '1',
        type: 'sticker',
        packageId: '446',
        stickerId: '1988',
        stickerResourceType: 'STATIC',
        quoteToken: 'q',
      },
    },
    {
      ...base,
      type: 'postback',
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZT',
      replyToken: 'r3',
      postback: { data: 'BUY_SHIRT' },
    },
    {
      ...base,
      type: 'follow',
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZV',
      replyToken: 'r4',
      follow: { isUnblocked: false },
    },
    {
      ...base,
      source: { type: 'group', groupId: `C${'2'.repeat(32)}` },
      type: 'message',
      webhookEventId: '01FZ74A0TDDPYRVKNK77XKC3ZW',
      replyToken: 'r5',
      message: { id: '2', type: 'image', contentProvider: { type: 'line' }, quoteToken: 'q' },
    },
  ],
};

describe('LINE parseInbound', () => {
  it('uses fixtures that are valid per webhook.yml', () => {
    expect(lineValidators().webhook(WEBHOOK)).toEqual([]);
  });

  it('normalises message, postback and other events', () => {
    const at = new Date(1_700_000_000_000);
    expect(lineConnector.parseInbound(WEBHOOK)).toEqual([
      {
        kind: 'message',
        from: `U${'1'.repeat(32)}`,
        text: 'Hello',
        contentType: 'text',
        replyToken: 'nHuyWiB7yP5Zw52FIkcQobQuGDXCTA',
        providerEventId: '01FZ74A0TDDPYRVKNK77XKC3ZR',
        occurredAt: at,
      },
      {
        kind: 'message',
        from: `U${'1'.repeat(32)}`,
        contentType: 'sticker',
        replyToken: 'r2',
        providerEventId: '01FZ74A0TDDPYRVKNK77XKC3ZS',
        occurredAt: at,
      },
      {
        kind: 'postback',
        from: `U${'1'.repeat(32)}`,
        payload: 'BUY_SHIRT',
        replyToken: 'r3',
        providerEventId: '01FZ74A0TDDPYRVKNK77XKC3ZT',
        occurredAt: at,
      },
      {
        kind: 'other',
        type: 'follow',
        from: `U${'1'.repeat(32)}`,
        providerEventId: '01FZ74A0TDDPYRVKNK77XKC3ZV',
        occurredAt: at,
      },
      {
        kind: 'message',
        from: `C${'2'.repeat(32)}`,
        contentType: 'image',
        replyToken: 'r5',
        providerEventId: '01FZ74A0TDDPYRVKNK77XKC3ZW',
        occurredAt: at,
      },
    ]);
  });

  it('takes the empty verification webhook and garbage without throwing', () => {
    expect(lineConnector.parseInbound({ destination: WEBHOOK.destination, events: [] })).toEqual([]);
    expect(lineConnector.parseInbound('nonsense')).toEqual([]);
    expect(lineConnector.parseInbound({ events: [null, 3] })).toEqual([]);
  });
});
