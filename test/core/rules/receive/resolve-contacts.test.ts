import { describe, expect, it } from 'vitest';
import { resolveContacts } from '../../../../src/core/rules/receive/resolve-contacts.ts';
import type { InboundEvent } from '../../../../src/core/vocabulary/channel.ts';
import { ACCOUNT, at, fakeStore, message } from './fakes.ts';

describe('resolve contacts', () => {
  it('resolves each sender of a message or postback once, in the order they first appear', async () => {
    const store = fakeStore();
    const events: InboundEvent[] = [
      { kind: 'status', providerMessageId: 'p1', status: 'read', occurredAt: at('2026-03-01T10:00:00Z') },
      message('u2', 'hi'),
      { kind: 'postback', from: 'u1', payload: 'X', occurredAt: at('2026-03-01T10:00:00Z') },
      message('u2', 'again'),
      { kind: 'other', type: 'follow', from: 'u3', occurredAt: at('2026-03-01T10:00:00Z') },
    ];
    const w = {
      account: ACCOUNT,
      events,
      receivedAt: '2026-03-01T10:00:01.000Z',
      contactIds: new Map(),
      store,
    };
    await resolveContacts(w);
    expect([...w.contactIds]).toEqual([
      ['u2', 'ct_u2'],
      ['u1', 'ct_u1'],
    ]);
    expect(store.calls.map((c) => [c.method, c.args[0], c.args[1], c.args[3]])).toEqual([
      [
        'contacts.resolveInbound',
        'tn_1',
        { channel: 'fake', channelAccountId: 'ca_1', address: 'u2' },
        '2026-03-01T10:00:01.000Z',
      ],
      [
        'contacts.resolveInbound',
        'tn_1',
        { channel: 'fake', channelAccountId: 'ca_1', address: 'u1' },
        '2026-03-01T10:00:01.000Z',
      ],
    ]);
    expect(store.calls[0]?.args[2]).toMatch(/^ct_/);
  });

  it('issues every lookup before any answers, so they share one commit', async () => {
    const store = fakeStore();
    const issued: string[] = [];
    store.contacts.resolveInbound = (_t, identity) => {
      issued.push(identity.address);
      return new Promise((resolve) => setTimeout(() => resolve(`ct_${identity.address}`), 5));
    };
    const w = {
      account: ACCOUNT,
      events: [message('a', 'x'), message('b', 'y')],
      receivedAt: '2026-03-01T10:00:01.000Z',
      contactIds: new Map(),
      store,
    };
    const done = resolveContacts(w);
    expect(issued).toEqual(['a', 'b']);
    await done;
  });
});
