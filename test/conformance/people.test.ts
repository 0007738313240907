/**
 * The contact, conversation, template and policy ports, against every backend: what the
 * PostgreSQL adapter must also do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AcceptBatch, Store } from '../../src/core/ports/store.ts';
import { BACKENDS } from '../support/backends.ts';

const at = '2026-01-01T00:00:00.000Z';

describe.each(BACKENDS)('people conformance: $name', (factory) => {
  let store: Store;
  beforeEach(async () => {
    ({ store } = await factory.create());
    await store.tenants.ensure('t1', 'one');
    await store.tenants.ensure('t2', 'two');
  });
  afterEach(async () => store.close());

  it('keeps vendor-style credentials per tenant, by hash, and forgets a removed one', async () => {
    const made = await store.tenants.addCompatCredential('t1', {
      id: 'cred_1',
      vendor: 'konnek',
      principal: 'shop',
      credentialHash: 'h1',
    });
    expect(made).toMatchObject({ id: 'cred_1', vendor: 'konnek', principal: 'shop' });
    expect(await store.tenants.findByCompatCredential('konnek', 'h1')).toMatchObject({ id: 't1' });
    // The same hash under another vendor is another credential.
    expect(await store.tenants.findByCompatCredential('infobip', 'h1')).toBeUndefined();
    expect((await store.tenants.listCompatCredentials('t2')).length).toBe(0);
    expect(await store.tenants.removeCompatCredential('t2', 'cred_1')).toBe(false);
    expect(await store.tenants.removeCompatCredential('t1', 'cred_1')).toBe(true);
    expect(await store.tenants.findByCompatCredential('konnek', 'h1')).toBeUndefined();
  });

  it('keeps identities unique per tenant and rolls a clashing contact back whole', async () => {
    const identity = { channel: 'line', address: 'U1' };
    expect(
      await store.contacts.create('t1', { id: 'ct_a', attributes: {}, identities: [identity] }, at),
    ).toEqual({});
    const clash = await store.contacts.create(
      't1',
      { id: 'ct_b', attributes: {}, identities: [{ channel: 'phone', address: '+6681' }, identity] },
      at,
    );
    expect(clash).toEqual({ conflict: 1 });
    expect(await store.contacts.get('t1', 'ct_b')).toBeUndefined();
    expect(await store.contacts.contactFor('t1', 'phone', 'ca_1', '+6681')).toBeUndefined();
    // Another tenant may hold the same identity.
    expect(
      await store.contacts.create('t2', { id: 'ct_c', attributes: {}, identities: [identity] }, at),
    ).toEqual({});
    expect(await store.contacts.get('t2', 'ct_a')).toBeUndefined();
  });

  it('prefers an account-scoped identity, and creates a contact for a new inbound sender once', async () => {
    await store.contacts.create(
      't1',
      {
        id: 'ct_a',
        attributes: {},
        identities: [
          { channel: 'messenger', address: 'P-any' },
          { channel: 'messenger', address: 'P-page1', channelAccountId: 'ca_1' },
        ],
      },
      at,
    );
    expect(await store.contacts.addressFor('t1', 'ct_a', 'messenger', 'ca_1')).toBe('P-page1');
    expect(await store.contacts.addressFor('t1', 'ct_a', 'messenger', 'ca_2')).toBe('P-any');
    const identity = { channel: 'line', channelAccountId: 'ca_9', address: 'U9' };
    const first = await store.contacts.resolveInbound('t1', identity, 'ct_new', at);
    expect(await store.contacts.resolveInbound('t1', identity, 'ct_other', at)).toBe(first);
    expect(first).toBe('ct_new');
  });

  it('tracks who owns a conversation, and closes it for good', async () => {
    const c = { contactId: 'ct_a', channel: 'line', channelAccountId: 'ca_1', address: 'U1' };
    const id = await store.conversations.open('t1', c, 'cv_1', at, true);
    expect(await store.conversations.open('t1', c, 'cv_2', at, true)).toBe(id);
    await store.conversations.act('t1', id, { type: 'assign', owner: 'agent', agentId: 'alice' }, at);
    expect((await store.conversations.ownedByAgent('t1', 'ca_1', ['U1', 'U2'])).get('U1')?.agentId).toBe(
      'alice',
    );
    expect((await store.conversations.ownedByAgent('t2', 'ca_1', ['U1'])).size).toBe(0);
    await store.conversations.act('t1', id, { type: 'close' }, at);
    expect((await store.conversations.ownedByAgent('t1', 'ca_1', ['U1'])).size).toBe(0);
    expect((await store.conversations.act('t1', id, { type: 'release' }, at)).refused).toMatch(/closed/);
    expect((await store.conversations.get('t1', id))?.events.map((e) => e.type)).toEqual([
      'opened',
      'assigned',
      'closed',
    ]);
  });

  it('refuses a batch, writing nothing, when asked and an agent owns a recipient’s conversation', async () => {
    const c = { contactId: 'ct_a', channel: 'line', channelAccountId: 'ca_1', address: 'U1' };
    const id = await store.conversations.open('t1', c, 'cv_1', at, true);
    await store.conversations.act('t1', id, { type: 'assign', owner: 'agent', agentId: 'alice' }, at);
    let n = 0;
    const send = (to: string[], extra: Partial<AcceptBatch> = {}): AcceptBatch => ({
      tenantId: 't1',
      acceptedAt: at,
      channel: 'line',
      channelAccountId: 'ca_1',
      content: { type: 'text', text: 'hi' },
      recipients: to.map((address) => ({
        id: `msg_${++n}`,
        to: address,
        request: { method: 'POST' as const, path: '/v2/bot/message/push', body: {} },
        degradations: [],
      })),
      refuseAgentOwned: true,
      ...extra,
    });
    const key = { key: 'k1', fingerprint: 'f', statusCode: 202, response: {} };
    // Alone, and with an idempotency key (a transaction, on PostgreSQL): neither writes anything.
    expect(await store.messages.accept(send(['U2', 'U1']))).toEqual({ kind: 'agent_owned' });
    expect(await store.messages.accept(send(['U1'], { idempotency: key }))).toEqual({ kind: 'agent_owned' });
    expect(await store.messages.list('t1', { limit: 10 })).toEqual([]);
    expect(await store.messages.findIdempotency('t1', 'k1')).toBeUndefined();
    // Not asked, another account, another tenant: accepted.
    expect(await store.messages.accept(send(['U1'], { refuseAgentOwned: false }))).toEqual({
      kind: 'accepted',
    });
    expect(await store.messages.accept(send(['U1'], { channelAccountId: 'ca_2' }))).toEqual({
      kind: 'accepted',
    });
    expect(await store.messages.accept(send(['U1'], { tenantId: 't2' }))).toEqual({ kind: 'accepted' });
    // Released: accepted.
    await store.conversations.act('t1', id, { type: 'release' }, at);
    expect(await store.messages.accept(send(['U1'], { idempotency: key }))).toEqual({ kind: 'accepted' });
  });

  it('versions templates and answers the newest unless asked', async () => {
    const t = {
      tenantId: 't1',
      name: 'hello',
      parameters: [],
      variants: { default: { type: 'text', text: 'v' } },
    };
    expect((await store.templates.add(t, at)).version).toBe(1);
    expect((await store.templates.add(t, at)).version).toBe(2);
    expect((await store.templates.get('t1', 'hello'))?.version).toBe(2);
    expect((await store.templates.get('t1', 'hello', 1))?.version).toBe(1);
    expect(await store.templates.get('t2', 'hello')).toBeUndefined();
    expect((await store.templates.list('t1')).map((x) => x.version)).toEqual([2]);
  });

  it("applies a channel's own consent before the one for every channel", async () => {
    const base = { purpose: 'marketing' as const, source: 'api', updatedAt: at };
    await store.policy.setConsent('t1', 'ct_a', { ...base, channel: '*', status: 'opted_in' });
    await store.policy.setConsent('t1', 'ct_a', { ...base, channel: 'line', status: 'opted_out' });
    expect((await store.policy.consentFor('t1', 'ct_a', 'line', 'marketing'))?.status).toBe('opted_out');
    expect((await store.policy.consentFor('t1', 'ct_a', 'viber', 'marketing'))?.status).toBe('opted_in');
    expect(await store.policy.consentFor('t2', 'ct_a', 'viber', 'marketing')).toBeUndefined();
  });
});
