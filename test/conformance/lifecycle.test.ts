/**
 * What happens to a message after its accept, against every backend: attempts, notes, redrives,
 * webhook subscriptions, short-link clicks, and the lookups that start from an id alone (an API
 * key, a provider webhook's account, a short code), which a multi-tenant database must answer
 * across tenants without leaking anything else.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { AcceptBatch, NewRecipient, Store } from '../../src/core/ports/store.ts';
import { newId } from '../../src/lib/ids.ts';
import { BACKENDS } from '../support/backends.ts';

const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-01T00:00:01.000Z';
const CALLBACK = 'http://127.0.0.1:9/cb';

function recipient(overrides: Partial<NewRecipient> = {}): NewRecipient {
  return {
    id: newId('msg'),
    to: 'U1',
    request: { method: 'POST', path: '/v2/bot/message/push', body: { to: 'U1' } },
    degradations: [],
    ...overrides,
  };
}

function batch(tenantId: string, recipients: NewRecipient[], extra: Partial<AcceptBatch> = {}): AcceptBatch {
  return {
    tenantId,
    acceptedAt: at,
    channel: 'line',
    channelAccountId: 'ca_1',
    content: { type: 'text', text: 'hi' },
    recipients,
    ...extra,
  };
}

describe.each(BACKENDS)('message lifecycle conformance: $name', (factory) => {
  let store: Store;
  let queue: JobQueue;
  beforeEach(async () => {
    ({ store, queue } = await factory.create());
    await store.tenants.ensure('t1', 'one');
    await store.tenants.ensure('t2', 'two');
  });
  afterEach(async () => store.close());

  const statusesOf = async (tenantId: string, id: string) =>
    (await store.messages.events(tenantId, id)).map((e) => e.status);
  const callbackTypes = async (tenantId: string, id: string) =>
    (await store.callbacks.list(tenantId, id)).map((d) => JSON.parse(d.payload).type);

  it('begins the attempts of several tenants’ messages in one call, each in its own tenant', async () => {
    const a = recipient();
    const b = recipient({ to: 'U2' });
    const expiring = recipient();
    await store.messages.accept(batch('t1', [a], { callbackUrl: CALLBACK }));
    await store.messages.accept(batch('t2', [b]));
    await store.messages.accept(batch('t1', [expiring], { expiresAt: '2026-01-01T00:00:00.500Z' }));
    const first = await store.messages.beginAttempts(later, [
      { tenantId: 't1', messageId: a.id, attempt: 1 },
      { tenantId: 't2', messageId: b.id, attempt: 1 },
      { tenantId: 't2', messageId: a.id, attempt: 1 },
      { tenantId: 't1', messageId: expiring.id, attempt: 1 },
    ]);
    expect(first.map((r) => r?.previousStatus)).toEqual(['queued', 'queued', undefined, 'queued']);
    expect((await store.messages.get('t2', b.id))?.status).toBe('sending');
    // An expired message is left for the dispatcher to end `expired`, never `sending`.
    expect((await store.messages.get('t1', expiring.id))?.status).toBe('queued');

    const retry = await store.messages.beginAttempts('2026-01-01T00:00:02.000Z', [
      { tenantId: 't1', messageId: a.id, attempt: 2 },
    ]);
    expect(retry[0]?.previousStatus).toBe('sending');
    expect(await store.messages.get('t1', a.id)).toMatchObject({
      status: 'sending',
      attempts: 2,
      updatedAt: later,
    });
    expect(await statusesOf('t1', a.id)).toEqual(['accepted', 'queued', 'sending']);
    expect(await callbackTypes('t1', a.id)).toEqual(['message.queued', 'message.sending']);
  });

  it('notes a failed attempt in the event list without moving the status', async () => {
    const m = recipient();
    await store.messages.accept(batch('t1', [m]));
    await store.messages.note('t1', m.id, {
      at: later,
      reason: 'HTTP 503',
      code: 'transient',
      detail: { attempt: 1 },
    });
    await store.messages.note('t2', m.id, { at: later, reason: 'not yours' });
    const events = await store.messages.events('t1', m.id);
    expect(events).toHaveLength(3);
    expect(events[2]).toEqual({
      status: 'queued',
      at: later,
      reason: 'HTTP 503',
      code: 'transient',
      detail: { attempt: 1 },
    });
    expect(
      (await store.messages.transition('t1', { messageId: m.id, status: 'sending', at: later })).applied,
    ).toBe(true);
    expect(await statusesOf('t1', m.id)).toEqual(['accepted', 'queued', 'queued', 'sending']);
  });

  it('applies changes asked for at once in the order asked, each with its own answer', async () => {
    // The PostgreSQL backend writes changes asked for together in one transaction; the answers
    // and the events must be those of applying them one after another.
    const a = recipient();
    const b = recipient({ to: 'U2' });
    const other = recipient({ to: 'U3' });
    await store.messages.accept(batch('t1', [a, b], { callbackUrl: CALLBACK }));
    await store.messages.accept(batch('t2', [other]));
    const results = await Promise.all([
      store.messages.transition('t1', { messageId: a.id, status: 'sending', at }),
      store.messages.note('t1', a.id, { at, reason: 'HTTP 503', code: 'transient' }),
      store.messages.transition('t1', {
        messageId: a.id,
        status: 'sent',
        at: later,
        providerMessageId: 'p-a',
        detail: { attempt: 2 },
        finishJob: true,
      }),
      // Backwards after `sent`: not applied, but the job still goes.
      store.messages.transition('t1', { messageId: b.id, status: 'delivered', at }),
      store.messages.transition('t1', { messageId: b.id, status: 'queued', at, finishJob: true }),
      store.messages.transition('t2', { messageId: other.id, status: 'failed', at, reason: 'boom' }),
      store.messages.transition('t2', { messageId: a.id, status: 'failed', at, reason: 'not yours' }),
      store.messages.transition('t1', { messageId: 'msg_missing', status: 'sent', at }),
    ]);
    expect(results).toEqual([
      { applied: true, status: 'sending' },
      undefined,
      { applied: true, status: 'sent' },
      { applied: true, status: 'delivered' },
      { applied: false, status: 'delivered' },
      { applied: true, status: 'failed' },
      { applied: false },
      { applied: false },
    ]);
    expect(await statusesOf('t1', a.id)).toEqual(['accepted', 'queued', 'sending', 'sending', 'sent']);
    expect(await store.messages.get('t1', a.id)).toMatchObject({
      status: 'sent',
      providerMessageId: 'p-a',
      attempts: 2,
      updatedAt: later,
    });
    expect(await store.messages.get('t1', b.id)).toMatchObject({ status: 'delivered' });
    expect(await store.messages.get('t2', other.id)).toMatchObject({
      status: 'failed',
      statusReason: 'boom',
    });
    expect(await callbackTypes('t1', a.id)).toEqual(['message.queued', 'message.sending', 'message.sent']);
    // a's and b's jobs are gone; other's stays (its change did not finish the job).
    expect((await queue.claim(new Date(later), 10, 1000)).map((j) => j.messageId)).toEqual([other.id]);
  });

  it('fails a change that cannot be written on its own, not the changes asked for with it', async () => {
    const a = recipient();
    const b = recipient({ to: 'U2' });
    await store.messages.accept(batch('t1', [a, b]));
    const results = await Promise.allSettled([
      store.messages.transition('t1', { messageId: a.id, status: 'sending', at }),
      // A detail that cannot be stored as JSON.
      store.messages.transition('t1', { messageId: b.id, status: 'sending', at, detail: { n: 1n } }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await store.messages.get('t1', a.id)).toMatchObject({ status: 'sending' });
    expect(await store.messages.get('t1', b.id)).toMatchObject({ status: 'queued' });
  });

  it('redrives failed messages back into the queue with a fresh job, and nothing else', async () => {
    const failed = recipient();
    const waiting = recipient();
    await store.messages.accept(batch('t1', [failed, waiting]));
    await store.messages.transition('t1', {
      messageId: failed.id,
      status: 'failed',
      at,
      reason: 'boom',
      finishJob: true,
    });
    expect(await queue.depth(new Date(later))).toBe(1);
    expect(await store.messages.redrive('t2', [failed.id], later)).toEqual([]);
    expect(await store.messages.redrive('t1', [waiting.id, failed.id, 'msg_missing'], later)).toEqual([
      failed.id,
    ]);
    const redriven = await store.messages.get('t1', failed.id);
    expect(redriven).toMatchObject({ status: 'queued', updatedAt: later });
    expect(redriven?.statusReason).toBeUndefined();
    expect((await store.messages.events('t1', failed.id)).at(-1)).toMatchObject({
      status: 'queued',
      code: 'redriven',
    });
    expect(await queue.depth(new Date(later))).toBe(2);
    const claimed = await queue.claim(new Date(later), 10, 1000);
    expect(claimed.find((j) => j.messageId === failed.id)).toMatchObject({ attempts: 1, interrupted: false });
  });

  it('queues the same callbacks whether or not the tenant subscribes, also when that changes between sends', async () => {
    // The PostgreSQL backend accepts a simple batch in one statement when the tenant has no
    // subscription, and in a transaction when it has one; the outcome must not differ.
    const queuedTo = async (id: string) =>
      (await store.callbacks.list('t1', id)).map((d) => `${JSON.parse(d.payload).type} ${d.url}`).sort();
    const first = recipient();
    await store.messages.accept(batch('t1', [first], { callbackUrl: CALLBACK, correlationId: 'c1' }));
    expect(await queuedTo(first.id)).toEqual([`message.queued ${CALLBACK}`]);
    expect(await store.messages.get('t1', first.id)).toMatchObject({ status: 'queued', correlationId: 'c1' });
    expect((await queue.claim(new Date(later), 10, 1000)).map((j) => j.messageId)).toEqual([first.id]);

    await store.webhooks.create(
      { id: 'wh_new', tenantId: 't1', url: 'https://hooks.example/new', events: ['*'], createdAt: at },
      'whsec_3',
    );
    const second = recipient();
    const third = recipient();
    await store.messages.accept(batch('t1', [second], { callbackUrl: CALLBACK }));
    await store.messages.accept(batch('t1', [third]));
    expect(await queuedTo(second.id)).toEqual([
      `message.queued ${CALLBACK}`,
      'message.queued https://hooks.example/new',
    ]);
    expect(await queuedTo(third.id)).toEqual(['message.queued https://hooks.example/new']);

    await store.webhooks.delete('t1', 'wh_new');
    const fourth = recipient();
    await store.messages.accept(batch('t1', [fourth]));
    expect(await queuedTo(fourth.id)).toEqual([]);
    expect((await queue.claim(new Date(later), 10, 1000)).map((j) => j.messageId).sort()).toEqual(
      [second.id, third.id, fourth.id].sort(),
    );
  });

  it("tells a send's own callbackUrl only the events it chose, and subscriptions their own", async () => {
    await store.webhooks.create(
      { id: 'wh_all', tenantId: 't1', url: 'https://hooks.example/all', events: ['*'], createdAt: at },
      'whsec_2',
    );
    const chosen = recipient();
    const every = recipient({ to: 'U2' });
    await store.messages.accept(
      batch('t1', [chosen], { callbackUrl: CALLBACK, callbackEvents: ['message.queued', 'message.failed'] }),
    );
    await store.messages.accept(batch('t1', [every], { callbackUrl: CALLBACK, callbackEvents: ['*'] }));
    await store.messages.beginAttempts(
      later,
      [chosen, every].map((m) => ({ tenantId: 't1', messageId: m.id, attempt: 1 })),
    );
    for (const m of [chosen, every]) {
      await store.messages.transition('t1', {
        messageId: m.id,
        status: 'failed',
        at: later,
        finishJob: true,
      });
    }
    const told = async (id: string) =>
      (await store.callbacks.list('t1', id))
        .map((d) => `${JSON.parse(d.payload).type} ${d.endpointId ?? 'own'}`)
        .sort();
    expect(await told(chosen.id)).toEqual([
      'message.failed own',
      'message.failed wh_all',
      'message.queued own',
      'message.queued wh_all',
      'message.sending wh_all',
    ]);
    expect(await told(every.id)).toEqual([
      'message.failed own',
      'message.failed wh_all',
      'message.queued own',
      'message.queued wh_all',
      'message.sending own',
      'message.sending wh_all',
    ]);
    expect(await store.messages.get('t1', chosen.id)).toMatchObject({
      callbackEvents: ['message.queued', 'message.failed'],
    });
    expect((await store.messages.get('t1', every.id))?.callbackEvents).toEqual(['*']);
  });

  it('sends each subscription the events it asked for, until it is disabled or deleted', async () => {
    await store.webhooks.create(
      {
        id: 'wh_sent',
        tenantId: 't1',
        url: 'https://hooks.example/sent',
        events: ['message.sent'],
        createdAt: at,
      },
      'whsec_1',
    );
    await store.webhooks.create(
      { id: 'wh_all', tenantId: 't1', url: 'https://hooks.example/all', events: ['*'], createdAt: at },
      'whsec_2',
    );
    const m = recipient();
    const other = recipient();
    await store.messages.accept(batch('t1', [m]));
    await store.messages.accept(batch('t2', [other]));
    for (const status of ['sending', 'sent'] as const) {
      await store.messages.transition('t1', { messageId: m.id, status, at: later });
      await store.messages.transition('t2', { messageId: other.id, status, at: later });
    }
    const delivered = async () =>
      (await store.callbacks.list('t1', m.id)).map(
        (d) => `${JSON.parse(d.payload).type} ${d.endpointId} ${d.url}`,
      );
    expect((await delivered()).sort()).toEqual([
      'message.queued wh_all https://hooks.example/all',
      'message.sending wh_all https://hooks.example/all',
      'message.sent wh_all https://hooks.example/all',
      'message.sent wh_sent https://hooks.example/sent',
    ]);
    expect(await store.callbacks.list('t2', other.id)).toEqual([]);

    // A receiver's 410 names only the endpoint id; it is disabled in its own tenant.
    await store.webhooks.disable('wh_all', 'HTTP 410 Gone', later);
    expect(await store.webhooks.get('t1', 'wh_all')).toMatchObject({
      state: 'disabled',
      disabledReason: 'HTTP 410 Gone',
    });
    await store.messages.transition('t1', { messageId: m.id, status: 'delivered', at: later });
    expect(await delivered()).toHaveLength(4);
    expect(await store.webhooks.signing('t1', 'wh_sent', at)).toEqual({
      state: 'enabled',
      secrets: [{ secret: 'whsec_1' }],
    });
    expect(await store.webhooks.signing('t2', 'wh_sent', at)).toBeUndefined();

    expect(await store.webhooks.delete('t2', 'wh_sent')).toBe(false);
    expect(await store.webhooks.delete('t1', 'wh_sent')).toBe(true);
    const orphaned = (await store.callbacks.list('t1', m.id)).find((d) => d.endpointId === 'wh_sent');
    expect(orphaned).toMatchObject({ state: 'failed', lastError: 'endpoint deleted' });
  });

  it('records a click on a live short link as its tenant’s, and refuses an expired one', async () => {
    await store.links.create({ id: 'lk_1', tenantId: 't1', url: 'https://example.com/offer', createdAt: at });
    const m = recipient({
      smartlinks: [
        {
          code: 'c0de',
          linkId: 'lk_1',
          url: 'https://example.com/offer',
          expiresAt: '2026-01-02T00:00:00.000Z',
        },
      ],
    });
    await store.messages.accept(batch('t1', [m], { callbackUrl: CALLBACK }));
    expect(await store.links.click('c0de', later, 'UA/1')).toEqual({ url: 'https://example.com/offer' });
    expect(await store.links.click('unknown', later, undefined)).toBeUndefined();
    expect(await store.links.click('c0de', '2026-01-02T00:00:00.000Z', undefined)).toBe('expired');
    expect(await store.links.clicks('t1', 'lk_1')).toEqual([
      { code: 'c0de', messageId: m.id, recipient: 'U1', at: later, userAgent: 'UA/1' },
    ]);
    expect(await store.links.clicks('t2', 'lk_1')).toEqual([]);
    expect((await store.messages.events('t1', m.id)).at(-1)).toMatchObject({
      status: 'queued',
      code: 'clicked',
    });
    expect(await callbackTypes('t1', m.id)).toEqual(['message.queued', 'message.clicked']);
  });

  it('finds a tenant by API key and a webhook’s account by id alone, and nothing more', async () => {
    await store.tenants.addApiKey('t2', 'hash-2', 'og_2');
    expect(await store.tenants.findByApiKeyHash('hash-2')).toEqual({ id: 't2', name: 'two' });
    expect(await store.tenants.findByApiKeyHash('hash-unknown')).toBeUndefined();
    expect(await store.tenants.hasApiKeys('t1')).toBe(false);
    expect(await store.tenants.hasApiKeys('t2')).toBe(true);
    await store.channelAccounts.create('t2', {
      id: 'ca_w',
      channel: 'line',
      name: 'w',
      sandbox: true,
      credentials: { channelSecret: 's' },
    });
    expect(await store.channelAccounts.findForWebhook('ca_w')).toMatchObject({
      tenantId: 't2',
      credentials: { channelSecret: 's' },
    });
    expect(await store.channelAccounts.findForWebhook('ca_unknown')).toBeUndefined();
  });

  it('makes one callback secret per tenant, however many ask for it at once', async () => {
    const secrets = await Promise.all(
      ['a', 'b', 'c'].map((s) => store.tenants.callbackSecret('t1', () => s)),
    );
    expect(new Set(secrets).size).toBe(1);
    expect(await store.tenants.callbackSecret('t1', () => 'later')).toBe(secrets[0]);
    expect(await store.tenants.callbackSecret('t2', () => 'two')).toBe('two');
  });

  it('keeps the reply token of an inbound event for the reply-window check, per tenant', async () => {
    await store.inbound.insert('t1', [
      { channelAccountId: 'ca_1', kind: 'message', replyToken: 'rt-1', event: {}, receivedAt: at },
    ]);
    expect(await store.inbound.replyTokenReceivedAt('t1', 'ca_1', 'rt-1')).toBe(at);
    expect(await store.inbound.replyTokenReceivedAt('t1', 'ca_2', 'rt-1')).toBeUndefined();
    expect(await store.inbound.replyTokenReceivedAt('t2', 'ca_1', 'rt-1')).toBeUndefined();
  });
});
