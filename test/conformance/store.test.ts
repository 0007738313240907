import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { AcceptBatch, NewRecipient, Store } from '../../src/core/ports/store.ts';
import { newId } from '../../src/lib/ids.ts';
import { BACKENDS } from '../support/backends.ts';

function recipient(overrides: Partial<NewRecipient> = {}): NewRecipient {
  return {
    id: newId('msg'),
    to: 'U1',
    request: { method: 'POST', path: '/v2/bot/message/push', body: { to: 'U1' } },
    degradations: [],
    ...overrides,
  };
}

/** An accept batch of the given recipients with everything else at a plain default. */
function batch(tenantId: string, recipients: NewRecipient[], extra: Partial<AcceptBatch> = {}): AcceptBatch {
  return {
    tenantId,
    acceptedAt: '2026-01-01T00:00:00.000Z',
    channel: 'line',
    channelAccountId: 'ca_1',
    content: { type: 'text', text: 'hi' },
    recipients,
    ...extra,
  };
}

describe.each(BACKENDS)('store conformance: $name', (factory) => {
  let store: Store;
  let queue: JobQueue;
  const at = '2026-01-01T00:00:00.000Z';

  beforeEach(async () => {
    ({ store, queue } = await factory.create());
    await store.tenants.ensure('t1', 'one');
    await store.tenants.ensure('t2', 'two');
  });
  afterEach(async () => store.close());

  it('accepts messages with their events and jobs in one step', async () => {
    const m = recipient();
    expect(await store.messages.accept(batch('t1', [m]))).toEqual({
      kind: 'accepted',
    });
    const stored = await store.messages.get('t1', m.id);
    expect(stored?.status).toBe('queued');
    expect((await store.messages.events('t1', m.id)).map((e) => e.status)).toEqual(['accepted', 'queued']);
    expect(await queue.depth(new Date(at))).toBe(1);
  });

  it("refuses a whole batch that would take a contact past its group's cap, writing nothing", async () => {
    const capped = { policyGroup: 'promo', capWindows: [{ since: '2025-12-31T00:00:00.000Z', max: 2 }] };
    const first = recipient({ contactId: 'ct_1' });
    expect(await store.messages.accept(batch('t1', [first], capped))).toEqual({ kind: 'accepted' });
    // One more fits; two more do not, and neither is written (nor the idempotency record).
    const a = recipient({ contactId: 'ct_1' });
    const b = recipient({ contactId: 'ct_1' });
    const idempotency = { key: 'k-cap', fingerprint: 'f', statusCode: 202, response: {} };
    expect(await store.messages.accept(batch('t1', [a, b], { ...capped, idempotency }))).toEqual({
      kind: 'capped',
      contactIds: ['ct_1'],
    });
    expect(await store.messages.get('t1', a.id)).toBeUndefined();
    expect(await store.messages.findIdempotency('t1', 'k-cap')).toBeUndefined();
    // Another contact, another tenant, or messages before the window do not count.
    expect(await store.messages.accept(batch('t1', [a, recipient({ contactId: 'ct_2' })], capped))).toEqual({
      kind: 'accepted',
    });
    expect(await store.messages.accept(batch('t2', [recipient({ contactId: 'ct_1' })], capped))).toEqual({
      kind: 'accepted',
    });
    const later = { policyGroup: 'promo', capWindows: [{ since: '2026-01-02T00:00:00.000Z', max: 2 }] };
    expect(await store.messages.accept(batch('t1', [b], later))).toEqual({ kind: 'accepted' });
  });

  it('finds the messages a watermark receipt covers: sent to that recipient by then, not yet read', async () => {
    const early = recipient({ to: 'PSID1' });
    const late = recipient({ to: 'PSID1' });
    const other = recipient({ to: 'PSID2' });
    const unsent = recipient({ to: 'PSID1' });
    await store.messages.accept(batch('t1', [early, late, other, unsent]));
    const typing = recipient({ to: 'PSID1' });
    await store.messages.accept(
      batch('t1', [typing], { content: { type: 'sender_action', action: 'typing_on' } }),
    );
    await store.messages.transition('t1', {
      messageId: typing.id,
      status: 'sent',
      at: '2026-01-01T00:00:01.000Z',
    });
    for (const [m, sentAt] of [
      [early, '2026-01-01T00:00:01.000Z'],
      [late, '2026-01-01T00:00:09.000Z'],
      [other, '2026-01-01T00:00:01.000Z'],
    ] as const) {
      await store.messages.transition('t1', { messageId: m.id, status: 'sending', at: sentAt });
      await store.messages.transition('t1', { messageId: m.id, status: 'sent', at: sentAt });
    }
    const watermark = '2026-01-01T00:00:05.000Z';
    // A typing indicator is not read, so a watermark leaves it alone.
    expect(await store.messages.findSentTo('t1', 'ca_1', 'PSID1', watermark)).toEqual([early.id]);
    await store.messages.transition('t1', { messageId: early.id, status: 'read', at: watermark });
    // Read is as far as a receipt goes: it is no longer a candidate.
    expect(await store.messages.findSentTo('t1', 'ca_1', 'PSID1', watermark)).toEqual([]);
    expect(await store.messages.findSentTo('t2', 'ca_1', 'PSID2', watermark)).toEqual([]);
    expect(await store.messages.findSentTo('t1', 'ca_other', 'PSID2', watermark)).toEqual([]);
  });

  it('keeps numbered choices, and only the newest message to a recipient answers a typed number', async () => {
    const choices = [{ number: 1, title: 'Red', payload: 'colour=red' }];
    const asked = recipient({ to: 'U9', choices });
    await store.messages.accept(batch('t1', [asked]));
    expect(await store.messages.latestChoices('t1', 'ca_1', 'U9')).toEqual({ messageId: asked.id, choices });
    expect(await store.messages.latestChoices('t2', 'ca_1', 'U9')).toBeUndefined();
    await store.messages.accept(batch('t1', [recipient({ to: 'U9' })]));
    expect(await store.messages.latestChoices('t1', 'ca_1', 'U9')).toBeUndefined();
  });

  it('never lets one tenant read another tenant’s message', async () => {
    const m = recipient();
    await store.messages.accept(batch('t1', [m]));
    expect(await store.messages.get('t2', m.id)).toBeUndefined();
    expect(await store.messages.list('t2', { limit: 10 })).toEqual([]);
    expect(await store.messages.events('t2', m.id)).toEqual([]);
    expect((await store.messages.transition('t2', { messageId: m.id, status: 'sent', at })).applied).toBe(
      false,
    );
  });

  it('stores nothing when a batch fails half way', async () => {
    const m = recipient();
    await expect(store.messages.accept(batch('t1', [m, { ...recipient(), id: m.id }]))).rejects.toThrow();
    expect(await store.messages.get('t1', m.id)).toBeUndefined();
    expect(await queue.depth(new Date(at))).toBe(0);
  });

  it('replays an idempotency key instead of storing twice', async () => {
    const idem = { key: 'k1', fingerprint: 'f', statusCode: 202, response: { ok: 1 } };
    await store.messages.accept(batch('t1', [recipient()], { idempotency: idem }));
    const again = await store.messages.accept(
      batch('t1', [recipient()], { idempotency: { ...idem, fingerprint: 'other' } }),
    );
    expect(again).toEqual({ kind: 'replay', record: idem });
    expect(await store.messages.list('t1', { limit: 10 })).toHaveLength(1);
    // Keys are per tenant.
    expect(await store.messages.findIdempotency('t2', 'k1')).toBeUndefined();
  });

  it('only moves status forward and logs every applied change', async () => {
    const m = recipient();
    await store.messages.accept(batch('t1', [m]));
    const t = (status: Parameters<Store['messages']['transition']>[1]['status']) =>
      store.messages.transition('t1', { messageId: m.id, status, at });
    expect((await t('sending')).applied).toBe(true);
    expect((await t('delivered')).applied).toBe(true);
    expect((await t('sent')).applied).toBe(false);
    expect((await t('failed')).applied).toBe(false);
    expect((await t('read')).applied).toBe(true);
    expect((await t('delivered')).applied).toBe(false);
    expect((await store.messages.get('t1', m.id))?.status).toBe('read');
    expect((await store.messages.events('t1', m.id)).map((e) => e.status)).toEqual([
      'accepted',
      'queued',
      'sending',
      'delivered',
      'read',
    ]);
  });

  it('queues a signed-callback outbox row for each status change of a message with a callback URL', async () => {
    const m = recipient();
    await store.messages.accept(
      batch('t1', [m], { callbackUrl: 'http://127.0.0.1:9/cb', callbackData: 'ctx' }),
    );
    await store.messages.transition('t1', { messageId: m.id, status: 'sending', at });
    await store.messages.transition('t1', { messageId: m.id, status: 'sending', at });
    const deliveries = await store.callbacks.list('t1', m.id);
    expect(deliveries.map((d) => JSON.parse(d.payload).data.status)).toEqual(['queued', 'sending']);
    expect(JSON.parse(deliveries[1]!.payload).data).toMatchObject({ sequence: 3, callbackData: 'ctx' });
    const claimed = await store.callbacks.claimDue(new Date(Date.parse(at) + 1), 10, 60_000);
    expect(claimed).toHaveLength(2);
    expect(await store.callbacks.claimDue(new Date(Date.parse(at) + 2), 10, 60_000)).toHaveLength(0);
  });

  it('lists newest first with filters and an id cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = recipient();
      ids.push(m.id);
      await store.messages.accept(batch('t1', [m], { correlationId: i % 2 ? 'odd' : 'even' }));
    }
    const page = await store.messages.list('t1', { limit: 2 });
    expect(page.map((m) => m.id)).toEqual([ids[4], ids[3]]);
    const next = await store.messages.list('t1', { limit: 2, beforeId: ids[3] });
    expect(next.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    expect((await store.messages.list('t1', { limit: 10, correlationId: 'odd' })).map((m) => m.id)).toEqual([
      ids[3],
      ids[1],
    ]);
  });

  it('deduplicates inbound events by provider event id, answering when each was first stored', async () => {
    const e = {
      channelAccountId: 'ca_1',
      providerEventId: 'ev1',
      kind: 'message',
      event: {},
      receivedAt: at,
    };
    const noId = { channelAccountId: 'ca_1', kind: 'message', event: {}, receivedAt: at };
    expect(await store.inbound.insert('t1', [e, e, noId])).toEqual([at, at, at]);
    const later = '2026-01-02T00:00:00.000Z';
    const another = { ...e, providerEventId: 'ev2', receivedAt: later };
    expect(
      await store.inbound.insert('t1', [
        { ...e, receivedAt: later },
        another,
        { ...noId, receivedAt: later },
      ]),
    ).toEqual([at, later, later]);
    expect(await store.inbound.list('t1', { limit: 10 })).toHaveLength(4);
    expect(await store.inbound.list('t2', { limit: 10 })).toEqual([]);
  });

  it('keeps channel credentials readable only through the owning tenant', async () => {
    await store.channelAccounts.create('t1', {
      id: 'ca_x',
      channel: 'line',
      name: 'x',
      sandbox: false,
      credentials: { token: 's3cret' },
    });
    expect((await store.channelAccounts.get('t1', 'ca_x'))?.credentials).toEqual({ token: 's3cret' });
    await store.channelAccounts.setCredentials('t2', 'ca_x', { token: 'stolen' });
    expect((await store.channelAccounts.get('t1', 'ca_x'))?.credentials).toEqual({ token: 's3cret' });
    await store.channelAccounts.setCredentials('t1', 'ca_x', { token: 'rotated' });
    expect((await store.channelAccounts.get('t1', 'ca_x'))?.credentials).toEqual({ token: 'rotated' });
    expect(await store.channelAccounts.get('t2', 'ca_x')).toBeUndefined();
    expect(await store.channelAccounts.defaultFor('t2', 'line')).toBeUndefined();
  });

  it('answers an account, and its default, with the limits and app id last set', async () => {
    await store.channelAccounts.create('t1', {
      id: 'ca_l',
      channel: 'line',
      name: 'l',
      sandbox: false,
      credentials: { token: 't' },
    });
    // Read first, so a store that keeps what it read must let the writes below replace it.
    expect((await store.channelAccounts.find('t1', 'ca_l'))?.limits).toBeUndefined();
    expect((await store.channelAccounts.defaultFor('t1', 'line'))?.id).toBe('ca_l');
    await store.channelAccounts.setLimits('t1', 'ca_l', { ratePerSecond: 5 });
    expect((await store.channelAccounts.find('t1', 'ca_l'))?.limits).toEqual({ ratePerSecond: 5 });
    expect((await store.channelAccounts.defaultFor('t1', 'line'))?.limits).toEqual({ ratePerSecond: 5 });
    await store.channelAccounts.setAppId('t1', 'ca_l', 'app-1');
    expect((await store.channelAccounts.find('t1', 'ca_l'))?.appId).toBe('app-1');
    expect(await store.channelAccounts.find('t2', 'ca_l')).toBeUndefined();
  });

  it('stores a batch of 1000 recipients whole, each with its job and its queued callback', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => recipient({ to: `U${i}` }));
    expect(await store.messages.accept(batch('t1', many, { callbackUrl: 'http://127.0.0.1:9/cb' }))).toEqual({
      kind: 'accepted',
    });
    expect(await queue.depth(new Date(at))).toBe(1000);
    const stored = await store.messages.list('t1', { limit: 2000 });
    expect(stored.map((m) => m.id).sort()).toEqual(many.map((m) => m.id).sort());
    expect(stored.find((m) => m.id === many[500]!.id)?.to).toBe('U500');
    const deliveries = await store.callbacks.list('t1', many[999]!.id);
    expect(deliveries.map((d) => JSON.parse(d.payload).data)).toMatchObject([
      { status: 'queued', to: 'U999' },
    ]);
  });

  it('takes an idempotency key once when requests carrying it race', async () => {
    const idem = { key: 'race', fingerprint: 'f', statusCode: 202, response: { ok: 1 } };
    const results = await Promise.all(
      [1, 2, 3].map(() => store.messages.accept(batch('t1', [recipient()], { idempotency: idem }))),
    );
    expect(results.filter((r) => r.kind === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'replay')).toEqual([
      { kind: 'replay', record: idem },
      { kind: 'replay', record: idem },
    ]);
    expect(await store.messages.list('t1', { limit: 10 })).toHaveLength(1);
  });

  it('lets one of several racing sends take the last slot of a cap, and refuses the others', async () => {
    const capped = { policyGroup: 'promo', capWindows: [{ since: '2025-12-31T00:00:00.000Z', max: 1 }] };
    const results = await Promise.all(
      [1, 2, 3].map(() => store.messages.accept(batch('t1', [recipient({ contactId: 'ct_1' })], capped))),
    );
    expect(results.filter((r) => r.kind === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'capped')).toEqual([
      { kind: 'capped', contactIds: ['ct_1'] },
      { kind: 'capped', contactIds: ['ct_1'] },
    ]);
    expect(await store.policy.countInGroup('t1', 'ct_1', 'promo', ['2025-12-31T00:00:00.000Z'])).toEqual([1]);
  });

  it("shares a callback claim out fairly: single sends' first, then round robin across tenants", async () => {
    const cb = { callbackUrl: 'http://127.0.0.1:9/cb' };
    const backlog = Array.from({ length: 20 }, () => recipient());
    await store.messages.accept(batch('t1', backlog, cb));
    const single = recipient();
    await store.messages.accept(batch('t2', [single], cb));
    const own = recipient();
    await store.messages.accept(batch('t1', [own], cb));
    await store.messages.accept(batch('t2', [recipient(), recipient()], cb));
    const claim = (limit: number) => store.callbacks.claimDue(new Date(Date.parse(at) + 1), limit, 60_000);
    // The two single sends' callbacks come before the 22 of the batches, older as those are.
    expect((await claim(2)).map((d) => d.messageId).sort()).toEqual([single.id, own.id].sort());
    // Then t2's two batch callbacks are not left behind t1's twenty.
    const next = await claim(4);
    expect(next.filter((d) => d.tenantId === 't2')).toHaveLength(2);
    expect(next.filter((d) => d.tenantId === 't1')).toHaveLength(2);
    // A later event of a single send keeps its lane, its job long gone.
    await store.messages.transition('t1', { messageId: own.id, status: 'sending', at, finishJob: true });
    expect((await claim(1)).map((d) => d.messageId)).toEqual([own.id]);
    expect(await claim(100)).toHaveLength(18);
  });

  it('hands each due callback to one notifier when several claim at once, with its url and payload', async () => {
    const ms = [recipient(), recipient(), recipient()];
    await store.messages.accept(batch('t1', ms, { callbackUrl: 'http://127.0.0.1:9/cb' }));
    await store.messages.accept(batch('t2', [recipient()], { callbackUrl: 'http://127.0.0.1:9/other' }));
    const claims = await Promise.all(
      [1, 2, 3].map(() => store.callbacks.claimDue(new Date(Date.parse(at) + 1), 10, 60_000)),
    );
    const claimed = claims.flat();
    expect(claimed.map((d) => d.id).sort()).toEqual([...new Set(claimed.map((d) => d.id))].sort());
    expect(claimed).toHaveLength(4);
    expect(claimed.filter((d) => d.tenantId === 't1').map((d) => d.url)).toEqual(
      Array(3).fill('http://127.0.0.1:9/cb'),
    );
    expect(
      claimed.every((d) => JSON.parse(d.payload).data.messageId === d.messageId && d.attempts === 1),
    ).toBe(true);
  });
});
