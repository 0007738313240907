import { describe, expect, it } from 'vitest';
import { replyWindow } from '../../../../src/core/rules/send/reply-window.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

const channel = fakeChannel({
  replyWindow: {
    validForMs: 60_000,
    tokenOf: (options) => options?.['replyToken'] as string | undefined,
    fallbackAllowed: (options) => options?.['fallback'] === 'push',
    withoutToken: ({ replyToken: _token, fallback: _fallback, ...rest }) => rest,
    pointer: '/options/fake/replyToken',
  },
});
const received: Record<string, string> = { fresh: '2026-03-01T11:59:30Z', stale: '2026-03-01T11:58:00Z' };
const port = {
  inbound: {
    replyTokenReceivedAt: async (_tenantId: string, _accountId: string, token: string) => received[token],
  },
};
const reply = (token: string, extra: Record<string, unknown> = {}) =>
  fakeSend({ options: { fake: { replyToken: token, ...extra }, other: { keep: true } } });

describe('reply window', () => {
  it('passes a fresh token, one the gateway never received, and a send without one', async () => {
    expect(await replyWindow.check(context(port, { send: reply('fresh'), channel }))).toEqual({
      kind: 'pass',
    });
    expect(await replyWindow.check(context(port, { send: reply('elsewhere'), channel }))).toEqual({
      kind: 'pass',
    });
    expect(await replyWindow.check(context(port, { channel }))).toEqual({ kind: 'pass' });
  });

  it('refuses a stale token', async () => {
    expect(await replyWindow.check(context(port, { send: reply('stale'), channel }))).toMatchObject({
      kind: 'refuse',
      error: {
        code: 'GW_SESSION_WINDOW',
        issues: [
          {
            pointer: '/options/fake/replyToken',
            rule: 'reply_token_expired',
            detail:
              'the reply token came with an event at 2026-03-01T11:58:00Z, 120 s ago; Fake accepts one for about 60 s. Send without it (a push), or set replyTokenFallback: "push"',
          },
        ],
      },
    });
  });

  it('sends as a push when asked, taking the token out and saying so', async () => {
    expect(
      await replyWindow.check(context(port, { send: reply('stale', { fallback: 'push', x: 1 }), channel })),
    ).toEqual({
      kind: 'change',
      change: {
        options: { fake: { x: 1 }, other: { keep: true } },
        note: {
          pointer: '/options/fake/replyToken',
          from: 'reply',
          to: 'push',
          rule: 'reply_token_expired: the reply token came with an event at 2026-03-01T11:58:00Z, 120 s ago; Fake accepts one for about 60 s',
        },
      },
    });
  });

  it('ages the token to when quiet hours let the message go', async () => {
    const held = {
      recipients: [{ notBefore: '2026-03-01T12:00:20.000Z' }, { notBefore: '2026-03-01T12:00:40.000Z' }],
    };
    const send = fakeSend({ to: ['1', '2'], options: { fake: { replyToken: 'fresh' } } });
    expect(await replyWindow.check(context(port, { send, channel, before: held }))).toMatchObject({
      kind: 'refuse',
      error: {
        issues: [
          {
            detail: expect.stringContaining(
              'it would be 70 s old when quiet hours end at 2026-03-01T12:00:40.000Z',
            ),
          },
        ],
      },
    });
  });
});
