import { describe, expect, it } from 'vitest';
import { sessionWindow } from '../../../../src/core/rules/send/session-window.ts';
import { context, fakeChannel, fakeSend } from './fakes.ts';

const channel = fakeChannel({
  sessionWindow: { hours: 24, allowedOutside: (m) => m.type === 'template', outside: 'only templates' },
});

/** Who last wrote when, for this tenant's account only. */
function lastInbound(written: Record<string, string>) {
  const reads: string[][] = [];
  return {
    reads,
    conversations: {
      lastInbound: async (tenantId: string, accountId: string, addresses: string[]) => {
        reads.push(addresses);
        if (tenantId !== 'ten_1' || accountId !== 'acc_1') return new Map<string, string>();
        return new Map(addresses.flatMap((a) => (written[a] ? [[a, written[a]] as const] : [])));
      },
    },
  };
}

describe('session window', () => {
  const port = lastInbound({ '100': '2026-03-01T11:00:00Z', '200': '2026-02-27T12:00:00Z' });

  it('refuses free-form text to someone who last wrote before the window, naming each', async () => {
    const send = fakeSend({ to: ['100', '200', '300'] });
    expect(await sessionWindow.check(context(port, { send, channel }))).toMatchObject({
      kind: 'refuse',
      error: {
        code: 'GW_SESSION_WINDOW',
        issues: [
          {
            pointer: '/to/1',
            rule: 'session_window',
            detail:
              "the person last wrote at 2026-02-27T12:00:00Z; outside Fake's 24-hour window only templates may be sent",
          },
        ],
      },
    });
  });

  it('passes within the window, and someone never heard from (the provider decides)', async () => {
    expect(
      await sessionWindow.check(context(port, { send: fakeSend({ to: ['100', '300'] }), channel })),
    ).toEqual({
      kind: 'pass',
    });
  });

  it('reads nothing for what may go outside the window, or on a channel without one', async () => {
    const reads = lastInbound({});
    const template = fakeSend({ to: '200', message: { type: 'template', name: 'hello', language: 'en' } });
    expect(await sessionWindow.check(context(reads, { send: template, channel }))).toEqual({ kind: 'pass' });
    expect(await sessionWindow.check(context(reads, { send: fakeSend({ to: '200' }) }))).toEqual({
      kind: 'pass',
    });
    expect(reads.reads).toEqual([]);
  });
});
