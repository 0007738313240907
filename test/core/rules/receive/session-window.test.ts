import { describe, expect, it } from 'vitest';
import { recordLastInbound } from '../../../../src/core/rules/receive/session-window.ts';
import { ACCOUNT, fakeStore } from './fakes.ts';

describe('session window', () => {
  it("opens or freshens each sender's conversation as an inbound, dated when received", async () => {
    const store = fakeStore();
    await recordLastInbound({
      account: ACCOUNT,
      receivedAt: '2026-03-01T10:00:01.000Z',
      contactIds: new Map([
        ['u2', 'ct_2'],
        ['u1', 'ct_1'],
      ]),
      store,
    });
    expect(store.calls.map((c) => [c.method, c.args[0], c.args[1], c.args[3], c.args[4]])).toEqual([
      [
        'conversations.open',
        'tn_1',
        { channel: 'fake', channelAccountId: 'ca_1', address: 'u2', contactId: 'ct_2' },
        '2026-03-01T10:00:01.000Z',
        true,
      ],
      [
        'conversations.open',
        'tn_1',
        { channel: 'fake', channelAccountId: 'ca_1', address: 'u1', contactId: 'ct_1' },
        '2026-03-01T10:00:01.000Z',
        true,
      ],
    ]);
    expect(store.calls[0]?.args[2]).toMatch(/^cv_/);
  });

  it('writes nothing when nobody wrote in', async () => {
    const store = fakeStore();
    await recordLastInbound({ account: ACCOUNT, receivedAt: 'x', contactIds: new Map(), store });
    expect(store.calls).toEqual([]);
  });
});
