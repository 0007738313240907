/**
 * Inbound WhatsApp webhooks: the X-Hub-Signature-256 check on the raw bytes, the hub.challenge
 * handshake, and messages, taps and receipts normalised (using the emulator's own webhook bodies).
 */
import { describe, expect, it } from 'vitest';
import { signHubBody } from '../../../src/channels/families/meta-graph/webhook.ts';
import { messageWebhook, statusWebhook } from '../../../src/channels/whatsapp/emulator/webhook.ts';
import { whatsappConnector as wa } from '../../../src/channels/whatsapp/index.ts';
import { CREDS, USER } from './helpers.ts';

const PHONE_ID = CREDS['phoneNumberId'] ?? '';
const SECRET = CREDS['appSecret'] ?? '';

describe('WhatsApp inbound: signature', () => {
  const raw = Buffer.from(JSON.stringify(messageWebhook(PHONE_ID, { from: USER, text: 'hi' })));

  it('accepts the app-secret signature over the exact bytes', () => {
    expect(
      wa.verifyInbound({ rawBody: raw, headers: { 'x-hub-signature-256': signHubBody(raw, SECRET) } }, CREDS),
    ).toBe(true);
  });

  it('refuses a bad, missing or other-secret signature, and re-serialised bytes', () => {
    expect(wa.verifyInbound({ rawBody: raw, headers: { 'x-hub-signature-256': 'sha256=00' } }, CREDS)).toBe(
      false,
    );
    expect(wa.verifyInbound({ rawBody: raw, headers: {} }, CREDS)).toBe(false);
    expect(
      wa.verifyInbound(
        { rawBody: raw, headers: { 'x-hub-signature-256': signHubBody(raw, 'other') } },
        CREDS,
      ),
    ).toBe(false);
    const spaced = Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1));
    expect(
      wa.verifyInbound(
        { rawBody: spaced, headers: { 'x-hub-signature-256': signHubBody(raw, SECRET) } },
        CREDS,
      ),
    ).toBe(false);
  });
});

describe('WhatsApp inbound: handshake', () => {
  it('echoes hub.challenge for our verify token only', () => {
    const q = {
      'hub.mode': 'subscribe',
      'hub.verify_token': CREDS['verifyToken'] ?? '',
      'hub.challenge': '1158201444',
    };
    expect(wa.handshake?.(q, CREDS)).toBe('1158201444');
    expect(wa.handshake?.({ ...q, 'hub.verify_token': 'wrong' }, CREDS)).toBeUndefined();
    expect(wa.handshake?.({ ...q, 'hub.mode': 'unsubscribe' }, CREDS)).toBeUndefined();
  });
});

describe('WhatsApp inbound: parsing', () => {
  it('a text message', () => {
    const [e] = wa.parseInbound(messageWebhook(PHONE_ID, { from: USER, text: 'hello' }, 1_700_000_000_000));
    expect(e).toEqual({
      kind: 'message',
      from: USER,
      contentType: 'text',
      text: 'hello',
      providerEventId: expect.stringMatching(/^wamid\./),
      occurredAt: new Date(1_700_000_000_000),
    });
  });

  it('reply-button and list taps are postbacks with our id', () => {
    const [button] = wa.parseInbound(
      messageWebhook(PHONE_ID, { from: USER, buttonReply: 'OPT_1', title: 'One' }),
    );
    expect(button).toMatchObject({ kind: 'postback', from: USER, payload: 'OPT_1' });
    const [row] = wa.parseInbound(messageWebhook(PHONE_ID, { from: USER, listReply: 'row-2' }));
    expect(row).toMatchObject({ kind: 'postback', payload: 'row-2' });
  });

  it('a template quick-reply tap and an image with caption', () => {
    const value = (messages: unknown[]) => ({
      object: 'whatsapp_business_account',
      entry: [
        { id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', messages } }] },
      ],
    });
    const events = wa.parseInbound(
      value([
        {
          from: USER,
          id: 'wamid.A',
          timestamp: '1700000000',
          type: 'button',
          button: { payload: 'STOP', text: 'Stop' },
        },
        {
          from: USER,
          id: 'wamid.B',
          timestamp: '1700000000',
          type: 'image',
          image: { id: '55', mime_type: 'image/jpeg', caption: 'look' },
        },
      ]),
    );
    expect(events).toMatchObject([
      { kind: 'postback', payload: 'STOP', providerEventId: 'wamid.A' },
      { kind: 'message', contentType: 'image', text: 'look' },
    ]);
  });

  it('receipts: delivered and read move status; sent is informational; failed carries the error', () => {
    const status = (s: 'sent' | 'delivered' | 'read') =>
      wa.parseInbound(
        statusWebhook(PHONE_ID, { id: 'wamid.M', recipient: USER, status: s }, 1_700_000_000_000),
      );
    expect(status('delivered')).toEqual([
      {
        kind: 'status',
        providerEventId: 'wamid.M:delivered',
        providerMessageId: 'wamid.M',
        status: 'delivered',
        occurredAt: new Date(1_700_000_000_000),
      },
    ]);
    expect(status('read')[0]).toMatchObject({ kind: 'status', status: 'read' });
    expect(status('sent')[0]).toMatchObject({ kind: 'other', type: 'status_sent', from: USER });
    const failed = wa.parseInbound(
      statusWebhook(PHONE_ID, {
        id: 'wamid.M',
        recipient: USER,
        status: 'failed',
        error: { code: 131047, title: 'Re-engagement message', details: 'More than 24 hours.' },
      }),
    );
    expect(failed[0]).toMatchObject({
      kind: 'status',
      status: 'failed',
      reason: '(#131047) Re-engagement message: More than 24 hours.',
    });
  });

  it('ignores other objects and fields', () => {
    expect(wa.parseInbound({ object: 'page', entry: [] })).toEqual([]);
    expect(
      wa.parseInbound({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'account_update', value: {} }] }],
      }),
    ).toEqual([]);
  });
});
