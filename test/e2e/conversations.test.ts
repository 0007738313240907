/**
 * Conversations and handover: inbound messages open a conversation; while an agent owns it an
 * automated send is refused unless it says `force: true`, and a forced send is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { LINE_USER, lineUser } from '../support/recipients.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const USER = lineUser(7);

const sendLine = (to: unknown, extra: Record<string, unknown> = {}) =>
  gw.api('POST', '/v1/messages', {
    channel: 'line',
    to,
    message: { type: 'text', text: 'automated' },
    ...extra,
  });

const messageCount = async () => (await gw.api('GET', '/v1/messages?limit=200')).json.data.length as number;

async function openConversationOf(address: string) {
  const list = (await gw.api('GET', '/v1/conversations?state=open')).json.data as Array<{
    id: string;
    address: string;
  }>;
  const found = list.find((c) => c.address === address);
  if (!found) throw new Error(`no open conversation with ${address}`);
  return found.id;
}

describe('conversations and handover', () => {
  it('opens a conversation when a person writes in, and keeps when they last wrote', async () => {
    await gw.simulateOk('line', { from: USER, text: 'hello' });
    const id = await openConversationOf(USER);
    const c = (await gw.api('GET', `/v1/conversations/${id}`)).json;
    expect(c).toMatchObject({
      state: 'open',
      channel: 'line',
      channelAccountId: gw.accountId('line'),
      address: USER,
    });
    expect(c.owner).toBeUndefined();
    expect(c.lastInboundAt).toEqual(expect.any(String));
    expect(c.events.map((e: { type: string }) => e.type)).toEqual(['opened']);
    await gw.simulateOk('line', { from: USER, text: 'again' });
    expect(await openConversationOf(USER)).toBe(id);
  });

  it('refuses automated sends while an agent owns it, unless forced, and records the forced ones', async () => {
    const id = await openConversationOf(USER);
    const assigned = await gw.api('POST', `/v1/conversations/${id}/assign`, {
      owner: 'agent',
      agentId: 'alice',
    });
    expect(assigned.json).toMatchObject({ owner: 'agent', agentId: 'alice' });

    const before = await messageCount();
    const refused = await sendLine(USER);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('GW_CONVERSATION_OWNED');
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ pointer: '/to', rule: 'conversation_owned_by_agent' }),
    ]);
    const batch = await sendLine([LINE_USER, USER]);
    expect(batch.status).toBe(409);
    expect(batch.json.errors).toEqual([expect.objectContaining({ pointer: '/to/1' })]);
    const contactId = (await gw.api('GET', `/v1/conversations/${id}`)).json.contactId;
    expect((await sendLine({ contactId })).status).toBe(409);
    expect(await messageCount()).toBe(before);

    const forced = await sendLine(USER, { force: true });
    expect(forced.status).toBe(202);
    const message = await gw.waitForStatus(forced.json.messages[0].id, ['sent']);
    expect(message.forced).toBe(true);
    const events = (await gw.api('GET', `/v1/conversations/${id}`)).json.events as Array<{
      type: string;
      detail?: { messageId?: string };
    }>;
    expect(events.at(-1)).toMatchObject({ type: 'forced_send', detail: { messageId: message.id } });
    // Others are not held up by this person's conversation.
    expect((await sendLine(LINE_USER)).status).toBe(202);
  });

  it('refuses, instead of trying forever, when the owner the accept sees is gone each time it is read', async () => {
    const person = lineUser(40);
    await gw.simulateOk('line', { from: person, text: 'hello' });
    const id = await openConversationOf(person);
    await gw.api('POST', `/v1/conversations/${id}/assign`, { owner: 'agent' });
    // The read that names the owners always comes just after the agent let go (and took it back).
    const conversations = gw.store.conversations;
    const read = conversations.ownedByAgent;
    let reads = 0;
    conversations.ownedByAgent = async () => {
      reads++;
      return new Map();
    };
    try {
      const refused = await sendLine(person);
      expect(refused.status).toBe(409);
      expect(refused.json.errors).toEqual([
        expect.objectContaining({ pointer: '/to', rule: 'conversation_owned_by_agent' }),
      ]);
      expect(reads).toBe(2);
    } finally {
      conversations.ownedByAgent = read;
    }
    await gw.api('POST', `/v1/conversations/${id}/release`);
  });

  it('lets sends through again once released or given to the bot, and reopens after a close', async () => {
    const id = await openConversationOf(USER);
    await gw.api('POST', `/v1/conversations/${id}/release`);
    expect((await sendLine(USER)).status).toBe(202);
    await gw.api('POST', `/v1/conversations/${id}/assign`, { owner: 'agent' });
    await gw.api('POST', `/v1/conversations/${id}/assign`, { owner: 'bot' });
    expect((await sendLine(USER)).status).toBe(202);
    await gw.api('POST', `/v1/conversations/${id}/assign`, { owner: 'agent' });
    const closed = await gw.api('POST', `/v1/conversations/${id}/close`);
    expect(closed.json).toMatchObject({ state: 'closed' });
    expect((await sendLine(USER)).status).toBe(202);
    const again = await gw.api('POST', `/v1/conversations/${id}/assign`, { owner: 'agent' });
    expect(again.status).toBe(409);
    const types = (await gw.api('GET', `/v1/conversations/${id}`)).json.events.map(
      (e: { type: string }) => e.type,
    );
    expect(types).toEqual([
      'opened',
      'assigned',
      'forced_send',
      'released',
      'assigned',
      'assigned',
      'assigned',
      'closed',
    ]);

    await gw.simulateOk('line', { from: USER, text: 'back again' });
    expect(await openConversationOf(USER)).not.toBe(id);
  });

  it('opens one through the API for a known contact, and names bad input', async () => {
    const { json: contact } = await gw.api('POST', '/v1/contacts', {
      identities: [{ channel: 'line', address: lineUser(8) }],
    });
    const opened = await gw.api('POST', '/v1/conversations', {
      contactId: contact.id,
      channelAccountId: gw.accountId('line'),
    });
    expect(opened.status).toBe(201);
    const same = await gw.api('POST', '/v1/conversations', {
      contactId: contact.id,
      channelAccountId: gw.accountId('line'),
    });
    expect(same.status).toBe(200);
    expect(same.json.id).toBe(opened.json.id);

    const badOwner = await gw.api('POST', `/v1/conversations/${opened.json.id}/assign`, { owner: 'robot' });
    expect(badOwner.status).toBe(400);
    expect(badOwner.json.errors).toContainEqual(expect.objectContaining({ pointer: '/owner', rule: 'enum' }));
    expect((await gw.api('POST', '/v1/conversations/cv_nope/close')).status).toBe(404);
  });
});
