/**
 * Viber answers HTTP 200 whatever happened; classify reads the body's status.
 */
import { describe, expect, it } from 'vitest';
import { classifyViberResponse, VIBER_STATUS } from '../../../src/channels/viber/classify.ts';
import { viberEmulator } from '../../../src/channels/viber/index.ts';
import { viber } from './helpers.ts';

const ok = (body: unknown) => classifyViberResponse({ status: 200, headers: {}, body });

describe('Viber classify', () => {
  it('reads success with its message token', () => {
    expect(
      ok({
        status: 0,
        status_message: 'ok',
        message_token: 12345,
        chat_hostname: 'SN-CHAT-05_',
        billing_status: 0,
      }),
    ).toEqual({
      kind: 'sent',
      providerMessageId: '12345',
    });
  });

  it('names a 64-bit token the same way the receipt for it does', () => {
    const sent = ok(JSON.parse('{"status":0,"status_message":"ok","message_token":5741311803571721087}'));
    const [receipt] = viber.parseInbound(
      JSON.parse('{"event":"seen","timestamp":1,"message_token":5741311803571721087,"user_id":"u"}'),
    );
    expect(sent.kind === 'sent' ? sent.providerMessageId : undefined).toBe(
      receipt?.kind === 'status' ? receipt.providerMessageId : 'none',
    );
  });

  it('rate limits on status 12, with no wait (Viber gives none)', () => {
    expect(ok({ status: 12, status_message: 'Too many requests', message_token: 1 })).toEqual({
      kind: 'rate_limited',
      code: 'viber_tooManyRequests',
      reason: expect.stringContaining('Viber status 12'),
    });
  });

  it('fails 5, 6 and 7 permanently with the reason', () => {
    for (const [status, name] of [
      [5, 'receiverNotRegistered'],
      [6, 'receiverNotSubscribed'],
      [7, 'publicAccountBlocked'],
    ] as const) {
      expect(ok({ status, status_message: name })).toEqual({
        kind: 'permanent',
        code: `viber_${name}`,
        reason: expect.stringContaining(`${name} (Viber status ${status}`),
      });
    }
  });

  it('fails every documented error except 12 permanently', () => {
    for (const code of Object.keys(VIBER_STATUS)
      .map(Number)
      .filter((c) => c !== 0 && c !== 12)) {
      expect(ok({ status: code, status_message: 'x' }).kind, String(code)).toBe('permanent');
    }
  });

  it('retries an unknown status ("general error"), HTTP 5xx and a non-Viber answer; rate limits HTTP 429', () => {
    expect(ok({ status: 99, status_message: 'failure' })).toMatchObject({
      kind: 'transient',
      code: 'viber_status_99',
    });
    // Viber answers 200 whatever happened: a 5xx is a proxy's, and after a 502 it may have the message.
    expect(classifyViberResponse({ status: 502, headers: {}, body: '<html>' })).toMatchObject({
      kind: 'maybe_sent',
    });
    expect(classifyViberResponse({ status: 503, headers: {}, body: '<html>' })).toMatchObject({
      kind: 'transient',
    });
    // A 2xx took the message, even when its body cannot be read.
    expect(ok('{"status":0,"message_tok')).toEqual({ kind: 'sent' });
    expect(classifyViberResponse({ status: 429, headers: {}, body: '' })).toMatchObject({
      kind: 'rate_limited',
    });
    expect(classifyViberResponse({ status: 404, headers: {}, body: 'nope' })).toMatchObject({
      kind: 'permanent',
    });
  });
});

describe('Viber chaos answers', () => {
  it('throttle as status 12 over HTTP 200 and break as a 5xx, which classify retries', () => {
    const faults = viberEmulator.faults;
    if (faults === undefined) throw new Error('Viber declares its chaos answers');
    const throttled = faults.throttled(1);
    expect(throttled.status).toBe(200);
    expect(classifyViberResponse({ status: throttled.status, headers: {}, body: throttled.body }).kind).toBe(
      'rate_limited',
    );
    const broken = faults.serverError();
    expect(classifyViberResponse({ status: broken.status, headers: {}, body: broken.body }).kind).toBe(
      'transient',
    );
  });
});

describe('Viber message tokens are exact', () => {
  it('reads 64-bit tokens digit for digit, in send answers and in callbacks alike', () => {
    const ids = ['5741311803571721087', '5741311803571721088'].map((token) => {
      const raw = `{"status":0,"status_message":"ok","message_token":${token},"chat_hostname":"SN-CHAT-01_"}`;
      return classifyViberResponse({ status: 200, headers: {}, body: JSON.parse(raw), rawBody: raw });
    });
    // JSON.parse alone would give both the same number.
    expect(ids).toEqual([
      { kind: 'sent', providerMessageId: '5741311803571721087' },
      { kind: 'sent', providerMessageId: '5741311803571721088' },
    ]);
    const callback = viber.decodeInbound?.(
      Buffer.from(
        '{"event":"delivered","timestamp":1457764197627,"message_token":5741311803571721088,"user_id":"01234567890A="}',
      ),
    );
    expect(viber.parseInbound(callback)).toEqual([
      expect.objectContaining({
        kind: 'status',
        providerMessageId: '5741311803571721088',
        status: 'delivered',
      }),
    ]);
  });
});
