/**
 * Messenger end to end through the public HTTP API: every kind it carries reaches the strict
 * emulator and moves to `delivered` and `read` by the emulator's signed receipts (delivery mids and
 * watermarks), receipts never move a status back, inbound webhooks are verified on their raw bytes,
 * the hub.challenge handshake answers, and each failure class ends as classify says.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signHubBody } from '../../src/channels/families/meta-graph/webhook.ts';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { MESSAGE_KINDS } from '../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../support/gateway.ts';

const PSID = '1254477777772919';
const connector = CONNECTORS['messenger'];
if (connector === undefined) throw new Error('messenger is not registered');
const creds = connector.sandboxCredentials;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const send = (to: string, message: unknown, options?: Record<string, unknown>) =>
  gw.sendAccepted('messenger', to, message, options);

const webhook = (body: unknown, signature?: string) =>
  gw.postWebhook(
    'messenger',
    JSON.stringify(body),
    signature !== undefined ? { 'x-hub-signature-256': signature } : {},
  );
const signed = (body: unknown) => webhook(body, signHubBody(JSON.stringify(body), creds['appSecret'] ?? ''));
const page = (...messaging: unknown[]) => ({
  object: 'page',
  entry: [{ id: '104000000000001', time: Date.now(), messaging }],
});

describe('Messenger end to end', () => {
  it('sends every kind it carries; messages go sent → delivered → read by signed receipts', async () => {
    const kinds = MESSAGE_KINDS.filter((k) => k !== 'raw' && connector.capabilities[k].support !== 'refused');
    expect(kinds).toHaveLength(9);
    const ids = new Map<string, string>();
    // One person per kind: a read watermark covers every earlier message to that person, so
    // sharing one would let another message's read overtake this one's delivery.
    for (const [i, kind] of kinds.entries())
      ids.set(kind, await send(`12544777777730${10 + i}`, SAMPLE_MESSAGES[kind]));
    for (const [kind, id] of ids) {
      if (kind === 'sender_action') {
        const done = await gw.waitForStatus(id, ['sent', 'failed']);
        expect(done.status, JSON.stringify(done.events)).toBe('sent');
        continue;
      }
      const done = await gw.waitForStatus(id, ['read', 'failed']);
      expect(done.status, `${kind}: ${JSON.stringify(done.events)}`).toBe('read');
      expect(statusesOf(done).slice(-3)).toEqual(['sent', 'delivered', 'read']);
      expect(done.providerMessageId).toMatch(/^m_/);
      if (connector.capabilities[kind as keyof typeof connector.capabilities].support === 'degraded') {
        expect((done.degradations as unknown[]).length).toBeGreaterThan(0);
      }
      expect(JSON.stringify(done.providerRequest)).not.toContain(creds['pageAccessToken']);
    }
  });

  it('never moves a status back: a late delivery after the read watermark changes nothing', async () => {
    const id = await send('1254477777773100', { type: 'text', text: 'late receipt' });
    const read = await gw.waitForStatus(id, ['read']);
    const late = await signed(
      page({
        sender: { id: '1254477777773100' },
        recipient: { id: '104000000000001' },
        timestamp: Date.now(),
        delivery: { mids: [read.providerMessageId], watermark: Date.now() },
      }),
    );
    expect(late.statusCode).toBe(200);
    const after = await gw.api('GET', `/v1/messages/${id}`);
    expect(after.json.status).toBe('read');
    expect(statusesOf(after.json).filter((s) => s === 'delivered')).toHaveLength(1);
  });

  it('verifies inbound signatures: good, bad, missing', async () => {
    const body = page({
      sender: { id: PSID },
      recipient: { id: '104000000000001' },
      timestamp: Date.now(),
      message: { mid: 'm_e2e_signed', text: 'signed hello' },
    });
    expect((await webhook(body)).statusCode).toBe(401);
    expect((await webhook(body, signHubBody(JSON.stringify(body), 'wrong-secret'))).statusCode).toBe(401);
    expect((await signed(body)).statusCode).toBe(200);
    expect((await signed(body)).statusCode).toBe(200);
    const events = await gw.inbound();
    expect(events.filter((e) => e.event.text === 'signed hello')).toHaveLength(1);
  });

  it("takes a person's last stop or start word in one webhook batch as their choice", async () => {
    const person = '1254477777779001';
    const message = (mid: string, text: string) => ({
      sender: { id: person },
      recipient: { id: '104000000000001' },
      timestamp: Date.now(),
      message: { mid, text },
    });
    expect((await signed(page(message('m_kw_1', 'hello'), message('m_kw_2', 'STOP')))).statusCode).toBe(200);
    const contacts = (await gw.api('GET', '/v1/contacts?limit=100')).json.data as Array<{
      id: string;
      identities: Array<{ address: string }>;
    }>;
    const contact = contacts.find((c) => c.identities.some((i) => i.address === person));
    const consent = async () => (await gw.api('GET', `/v1/contacts/${contact?.id}/consent`)).json.data;
    expect(await consent()).toEqual([expect.objectContaining({ status: 'opted_out', source: 'keyword' })]);
    expect((await signed(page(message('m_kw_3', 'STOP'), message('m_kw_4', 'START')))).statusCode).toBe(200);
    expect(await consent()).toEqual([expect.objectContaining({ status: 'opted_in', source: 'keyword' })]);
    // A later STOP, then Meta redelivering the batch with the old START: the person stays out.
    expect((await signed(page(message('m_kw_5', 'STOP')))).statusCode).toBe(200);
    expect((await signed(page(message('m_kw_3', 'STOP'), message('m_kw_4', 'START')))).statusCode).toBe(200);
    expect(await consent()).toEqual([expect.objectContaining({ status: 'opted_out', source: 'keyword' })]);
    // A START stored, then a failure before it was applied: Meta redelivers on our 500, and the
    // redelivery applies it (it is newer than the STOP before it).
    const failing = vi
      .spyOn(gw.store.conversations, 'open')
      .mockRejectedValueOnce(new Error('database went away'));
    try {
      expect((await signed(page(message('m_kw_6', 'START')))).statusCode).toBe(500);
    } finally {
      failing.mockRestore();
    }
    expect(await consent()).toEqual([expect.objectContaining({ status: 'opted_out' })]);
    expect((await signed(page(message('m_kw_6', 'START')))).statusCode).toBe(200);
    expect(await consent()).toEqual([expect.objectContaining({ status: 'opted_in', source: 'keyword' })]);
  });

  it('answers the hub.challenge handshake with the verify token only', async () => {
    const url = (token: string) =>
      `/webhooks/messenger/${gw.accountId('messenger')}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`;
    const ok = await gw.app.inject({ method: 'GET', url: url(creds['verifyToken'] ?? '') });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect((await gw.app.inject({ method: 'GET', url: url('wrong') })).statusCode).toBeGreaterThanOrEqual(
      400,
    );
  });

  it('records simulated replies and postbacks, and a typed number as the list row’s postback', async () => {
    const sim = (body: unknown) => gw.simulate('messenger', body);
    const listId = await send(PSID, SAMPLE_MESSAGES.list);
    await gw.waitForStatus(listId, ['sent', 'delivered', 'read']);
    expect((await sim({ from: PSID, text: '2' })).statusCode).toBe(200);
    expect((await sim({ from: PSID, postback: 'TRACK_ORDER' })).statusCode).toBe(200);
    expect((await sim({ from: PSID, text: 'Small', quickReply: 'SIZE_S' })).statusCode).toBe(200);
    const postbacks = await gw.inbound('postback');
    const payloads = postbacks.map((e) => e.event.payload);
    expect(payloads).toEqual(expect.arrayContaining(['slot-2', 'TRACK_ORDER', 'SIZE_S']));
  });

  it('ends each failure class as classify says: permanent with Meta’s reason, or retried to sent', async () => {
    const noUser = await gw.waitForStatus(await send('9990000000000001', { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(noUser.status).toBe('failed');
    expect(noUser.statusReason).toContain('No matching user found');
    const window = await gw.waitForStatus(await send('2780000000000001', { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(window.status).toBe('failed');
    expect(window.statusReason).toContain('MESSAGE_TAG');
    const tagged = await gw.waitForStatus(
      await send(
        '2780000000000002',
        { type: 'text', text: 'x' },
        { messagingType: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' },
      ),
      ['failed', 'sent', 'delivered', 'read'],
    );
    expect(tagged.status).not.toBe('failed');
    const unavailable = await gw.waitForStatus(await send('5510000000000001', { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(unavailable.statusReason).toContain("isn't available");
    for (const flaky of ['6130000000000001', '1200000000000001']) {
      const done = await gw.waitForStatus(await send(flaky, { type: 'text', text: 'x' }), ['failed', 'read']);
      expect(done.status, JSON.stringify(done.events)).toBe('read');
    }
  });

  it('refuses a tag without MESSAGE_TAG and a refused kind before storing', async () => {
    const tag = await gw.api('POST', '/v1/messages', {
      channel: 'messenger',
      to: PSID,
      message: { type: 'text', text: 'x' },
      options: { messenger: { tag: 'HUMAN_AGENT' } },
    });
    expect(tag.status).toBe(400);
    const sticker = await gw.api('POST', '/v1/messages', {
      channel: 'messenger',
      to: PSID,
      message: SAMPLE_MESSAGES.sticker,
    });
    expect(sticker.status).toBe(422);
  });
});
