/**
 * Messenger webhooks: X-Hub-Signature-256 on the raw bytes, the hub.challenge handshake, and the
 * events — messages, quick-reply taps and postbacks, delivery and read receipts, echoes.
 */
import { describe, expect, it } from 'vitest';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { messengerConnector as c } from '../../../src/channels/messenger/index.ts';
import { PSID } from './helpers.ts';

const creds = c.sandboxCredentials;
const SECRET = creds['appSecret'] ?? '';
const page = (...messaging: unknown[]) => ({
  object: 'page',
  entry: [{ id: '104000000000001', time: 1, messaging }],
});
const env = { sender: { id: PSID }, recipient: { id: '104000000000001' }, timestamp: 1_700_000_000_000 };

describe('Messenger inbound', () => {
  it('verifies the signature on the raw bytes: good, tampered, missing, wrong secret', () => {
    const raw = JSON.stringify(page({ ...env, message: { mid: 'm_1', text: 'hi' } }));
    const sig = signHubBody(raw, SECRET);
    const verify = (body: string, headers: Record<string, string>) =>
      c.verifyInbound({ rawBody: Buffer.from(body), headers }, creds);
    expect(verify(raw, { 'X-Hub-Signature-256': sig })).toBe(true);
    expect(verify(raw.replace('hi', 'ho'), { 'x-hub-signature-256': sig })).toBe(false);
    expect(verify(raw, {})).toBe(false);
    expect(verify(raw, { 'x-hub-signature-256': signHubBody(raw, 'other') })).toBe(false);
  });

  it('answers the hub.challenge handshake only with the verify token', () => {
    const q = {
      'hub.mode': 'subscribe',
      'hub.verify_token': creds['verifyToken'] ?? '',
      'hub.challenge': '1158201444',
    };
    expect(c.handshake?.(q, creds)).toBe('1158201444');
    expect(c.handshake?.({ ...q, 'hub.verify_token': 'nope' }, creds)).toBeUndefined();
    expect(c.handshake?.({ ...q, 'hub.mode': 'unsubscribe' }, creds)).toBeUndefined();
  });

  it('parses messages, attachments, quick-reply taps and postbacks', () => {
    const events = c.parseInbound(
      page(
        { ...env, message: { mid: 'm_1', text: 'hello' } },
        {
          ...env,
          message: { mid: 'm_2', attachments: [{ type: 'image', payload: { url: 'https://x/y.jpg' } }] },
        },
        { ...env, message: { mid: 'm_3', text: 'Small', quick_reply: { payload: 'SIZE_S' } } },
        { ...env, postback: { mid: 'm_4', title: 'Track', payload: 'TRACK_ORDER' } },
        { ...env, message: { mid: 'm_5', text: 'mine', is_echo: true } },
      ),
    );
    expect(events).toEqual([
      {
        kind: 'message',
        providerEventId: 'm_1',
        from: PSID,
        text: 'hello',
        contentType: 'text',
        occurredAt: new Date(env.timestamp),
      },
      expect.objectContaining({ kind: 'message', providerEventId: 'm_2', contentType: 'image' }),
      expect.objectContaining({ kind: 'postback', providerEventId: 'm_3', payload: 'SIZE_S', from: PSID }),
      expect.objectContaining({
        kind: 'postback',
        providerEventId: 'm_4',
        payload: 'TRACK_ORDER',
        from: PSID,
      }),
      expect.objectContaining({ kind: 'other', type: 'message_echo' }),
    ]);
  });

  it('turns delivery mids into status events and watermarks into status_watermark events for the person', () => {
    const events = c.parseInbound(
      page(
        { ...env, delivery: { mids: ['m_a', 'm_b'], watermark: 1_700_000_000_500 } },
        { ...env, delivery: { watermark: 1_700_000_000_600 } },
        { ...env, read: { watermark: 1_700_000_000_700 } },
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: 'status', providerMessageId: 'm_a', status: 'delivered' }),
      expect.objectContaining({ kind: 'status', providerMessageId: 'm_b', status: 'delivered' }),
      expect.objectContaining({
        kind: 'status_watermark',
        recipient: PSID,
        status: 'delivered',
        watermark: new Date(1_700_000_000_500),
      }),
      expect.objectContaining({
        kind: 'status_watermark',
        status: 'delivered',
        watermark: new Date(1_700_000_000_600),
      }),
      expect.objectContaining({
        kind: 'status_watermark',
        status: 'read',
        watermark: new Date(1_700_000_000_700),
      }),
    ]);
    // Each receipt has its own event id, so a redelivery is stored once.
    const ids = events.map((e) => e.providerEventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('passes other events on and ignores what is not a webhook', () => {
    expect(
      c.parseInbound(page({ ...env, reaction: { mid: 'm_1', action: 'react', reaction: 'love' } })),
    ).toEqual([expect.objectContaining({ kind: 'other', type: 'reaction', from: PSID })]);
    expect(c.parseInbound({ object: 'page' })).toEqual([]);
    expect(c.parseInbound('nope')).toEqual([]);
  });
});
