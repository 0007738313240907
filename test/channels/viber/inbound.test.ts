/**
 * Viber callbacks: the signature on the raw bytes, and every event normalised.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signViberBody } from '../../../src/channels/viber/provider.ts';
import { R, viber } from './helpers.ts';

const creds = viber.sandboxCredentials;
const raw = JSON.stringify({
  event: 'delivered',
  timestamp: 1_700_000_000_000,
  message_token: 42,
  user_id: R.user,
});
const verify = (body: string, headers: Record<string, string>) =>
  viber.verifyInbound({ rawBody: Buffer.from(body), headers }, creds);

describe('Viber signature', () => {
  it('is the hex HMAC-SHA256 of the raw body keyed with the auth token', () => {
    expect(signViberBody(raw, creds['authToken'] ?? '')).toBe(
      createHmac('sha256', creds['authToken'] ?? '')
        .update(raw)
        .digest('hex'),
    );
  });
  it('accepts a good signature (any header case, hex in either case)', () => {
    const sig = signViberBody(raw, creds['authToken'] ?? '');
    expect(verify(raw, { 'x-viber-content-signature': sig })).toBe(true);
    expect(verify(raw, { 'X-Viber-Content-Signature': sig.toUpperCase() })).toBe(true);
  });
  it('refuses a bad, tampered or missing signature', () => {
    const sig = signViberBody(raw, creds['authToken'] ?? '');
    expect(verify(raw, { 'x-viber-content-signature': signViberBody(raw, 'other-token') })).toBe(false);
    expect(verify(raw.replace('42', '43'), { 'x-viber-content-signature': sig })).toBe(false);
    expect(verify(raw, {})).toBe(false);
  });
});

describe('Viber events', () => {
  it('turns delivered, seen and failed into status events by message token', () => {
    const at = 1_700_000_000_000;
    expect(
      viber.parseInbound({ event: 'delivered', timestamp: at, message_token: 42, user_id: R.user }),
    ).toEqual([
      {
        kind: 'status',
        providerEventId: `delivered:42:${R.user}`,
        providerMessageId: '42',
        status: 'delivered',
        occurredAt: new Date(at),
      },
    ]);
    expect(
      viber.parseInbound({ event: 'seen', timestamp: at, message_token: 42, user_id: R.user })[0],
    ).toMatchObject({ status: 'read' });
    expect(
      viber.parseInbound({
        event: 'failed',
        timestamp: at,
        message_token: 42,
        user_id: R.user,
        desc: 'bad',
      })[0],
    ).toMatchObject({
      status: 'failed',
      reason: 'bad',
    });
  });

  it('turns a message into a message event from the sender', () => {
    expect(
      viber.parseInbound({
        event: 'message',
        timestamp: 1,
        message_token: 9,
        sender: { id: R.user, name: 'Ann' },
        message: { type: 'text', text: 'BUY_HAT', tracking_data: 't' },
      }),
    ).toEqual([
      {
        kind: 'message',
        providerEventId: 'message:9',
        from: R.user,
        contentType: 'text',
        text: 'BUY_HAT',
        occurredAt: new Date(1),
      },
    ]);
    expect(
      viber.parseInbound({
        event: 'message',
        timestamp: 1,
        sender: { id: R.user },
        message: { type: 'picture', media: 'https://x' },
      })[0],
    ).toMatchObject({
      contentType: 'picture',
    });
  });

  it('passes subscriptions and conversation starts on as other events from the person', () => {
    expect(viber.parseInbound({ event: 'subscribed', timestamp: 1, user: { id: R.user } })[0]).toMatchObject({
      kind: 'other',
      type: 'subscribed',
      from: R.user,
    });
    expect(
      viber.parseInbound({ event: 'unsubscribed', timestamp: 1, user_id: R.user, message_token: 5 })[0],
    ).toMatchObject({ type: 'unsubscribed', from: R.user });
    expect(
      viber.parseInbound({
        event: 'conversation_started',
        timestamp: 1,
        message_token: 6,
        user: { id: R.user },
        subscribed: false,
      })[0],
    ).toMatchObject({
      type: 'conversation_started',
      from: R.user,
    });
    expect(viber.parseInbound('nonsense')).toEqual([]);
  });
});
