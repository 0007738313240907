/**
 * Contacts: people with channel identities. A send may address `{ contactId }`; an inbound
 * message from an unknown identity creates a contact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, lineUser, TELEGRAM_CHAT } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const count = async () => (await gw.api('GET', '/v1/contacts?limit=200')).json.data.length as number;

describe('contacts', () => {
  it('keeps a person with identities, attributes, locale and time zone', async () => {
    const res = await gw.api('POST', '/v1/contacts', {
      name: 'Somchai',
      attributes: { tier: 'gold' },
      locale: 'th-TH',
      timeZone: 'Asia/Bangkok',
      identities: [
        { channel: 'line', address: LINE_USER },
        { channel: 'telegram', address: TELEGRAM_CHAT },
        { channel: 'phone', address: '+66812345678' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      id: expect.stringMatching(/^ct_/),
      name: 'Somchai',
      timeZone: 'Asia/Bangkok',
    });
    expect(res.json.identities).toHaveLength(3);
    const got = await gw.api('GET', `/v1/contacts/${res.json.id}`);
    expect(got.json).toEqual(res.json);

    const sent = await gw.send('line', { contactId: res.json.id }, { type: 'text', text: 'Sawasdee' });
    expect(sent.status).toBe(202);
    expect(sent.json.messages[0].to).toBe(LINE_USER);
    const done = await gw.waitForStatus(sent.json.messages[0].id, ['sent']);
    expect(done.contactId).toBe(res.json.id);
  });

  it('says clearly when a contact cannot be reached on the channel', async () => {
    const { json: contact } = await gw.api('POST', '/v1/contacts', {
      identities: [{ channel: 'telegram', address: '777001' }],
    });
    const noIdentity = await gw.send('line', { contactId: contact.id }, { type: 'text', text: 'x' });
    expect(noIdentity.status).toBe(422);
    expect(noIdentity.json.code).toBe('GW_CONTACT_UNREACHABLE');
    expect(noIdentity.json.errors).toEqual([
      expect.objectContaining({ pointer: '/to/contactId', rule: 'contact_identity' }),
    ]);
    const unknown = await gw.send('line', { contactId: 'ct_nobody' }, { type: 'text', text: 'x' });
    expect(unknown.json.errors).toEqual([
      expect.objectContaining({ pointer: '/to/contactId', rule: 'contact' }),
    ]);
    const badShape = await gw.send('line', { contactId: 'ct_x', extra: 1 }, { type: 'text', text: 'x' });
    expect(badShape.status).toBe(400);
  });

  it('keeps identities unique per tenant, refusing a clash without writing half a contact', async () => {
    const identity = { channel: 'telegram', address: '777002' };
    expect((await gw.api('POST', '/v1/contacts', { identities: [identity] })).status).toBe(201);
    const before = await count();
    const clash = await gw.api('POST', '/v1/contacts', {
      name: 'Twin',
      identities: [{ channel: 'phone', address: '+66800000001' }, identity],
    });
    expect(clash.status).toBe(409);
    expect(clash.json.errors).toEqual([
      expect.objectContaining({ pointer: '/identities/1', rule: 'unique' }),
    ]);
    expect(await count()).toBe(before);
    // The phone number was not kept either: another contact may take it.
    expect(
      (await gw.api('POST', '/v1/contacts', { identities: [{ channel: 'phone', address: '+66800000001' }] }))
        .status,
    ).toBe(201);
  });

  it('names the field of a bad identity', async () => {
    const res = await gw.api('POST', '/v1/contacts', {
      identities: [
        { channel: 'line', address: 'not-a-line-id' },
        { channel: 'phone', address: '0812345678' },
        { channel: 'telegram', address: '5', channelAccountId: gw.accountId('line') },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      '/identities/0/address',
      '/identities/1/address',
      '/identities/2/channelAccountId',
    ]);
  });

  it('uses an identity scoped to an account only through that account', async () => {
    const second = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'telegram',
      name: 'second bot',
      credentials: CONNECTORS.telegram?.sandboxCredentials,
    });
    const { json: contact } = await gw.api('POST', '/v1/contacts', {
      identities: [{ channel: 'telegram', address: '777003', channelAccountId: second.json.id }],
    });
    const viaDefault = await gw.send('telegram', { contactId: contact.id }, { type: 'text', text: 'x' });
    expect(viaDefault.status).toBe(422);
    const viaSecond = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      from: second.json.id,
      to: { contactId: contact.id },
      message: { type: 'text', text: 'x' },
    });
    expect(viaSecond.status).toBe(202);
    expect(viaSecond.json.messages[0].to).toBe('777003');
  });

  it('creates a contact for an unknown sender once, and replies reach them', async () => {
    const user = lineUser(5);
    const before = await count();
    for (const text of ['hello', 'again']) {
      const res = await gw.simulate('line', { from: user, text });
      expect(res.statusCode).toBe(200);
    }
    expect(await count()).toBe(before + 1);
    const newest = (await gw.api('GET', '/v1/contacts?limit=1')).json.data[0];
    expect(newest.identities).toEqual([
      { channel: 'line', address: user, channelAccountId: gw.accountId('line') },
    ]);
    const inbound = await gw.inbound();
    expect(inbound.filter((e) => e.event.contactId === newest.id)).toHaveLength(2);

    const reply = await gw.send('line', { contactId: newest.id }, { type: 'text', text: 'Thanks!' });
    expect(reply.json.messages[0].to).toBe(user);
  });

  it('changes and removes contacts', async () => {
    const { json: contact } = await gw.api('POST', '/v1/contacts', { name: 'Old' });
    const changed = await gw.api('PATCH', `/v1/contacts/${contact.id}`, {
      name: 'New',
      identities: [{ channel: 'email', address: 'new@example.com' }],
    });
    expect(changed.json).toMatchObject({
      name: 'New',
      identities: [{ channel: 'email', address: 'new@example.com' }],
    });
    expect((await gw.api('DELETE', `/v1/contacts/${contact.id}`)).status).toBe(204);
    expect((await gw.api('GET', `/v1/contacts/${contact.id}`)).status).toBe(404);
  });
});
