/**
 * Instagram end to end through the public HTTP API: every kind it carries (natively or degraded by
 * rule) reaches the strict emulator and moves to `read` by the emulator's signed "seen" receipt
 * (Instagram sends no delivery receipts), a seen never moves a status back, inbound webhooks are
 * verified on their raw bytes with Instagram's app secret, and failures end as classify says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubBody } from '../../src/channels/families/meta-graph/webhook.ts';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { MESSAGE_KINDS } from '../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../support/gateway.ts';

const IGSID = '6281923771234567';
const IG_ID = '17841400000000001';
const connector = CONNECTORS['instagram'];
if (connector === undefined) throw new Error('instagram is not registered');
const creds = connector.sandboxCredentials;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const send = (to: string, message: unknown, options?: Record<string, unknown>) =>
  gw.sendAccepted('instagram', to, message, options);
const webhook = (body: unknown, secret?: string) => {
  const raw = JSON.stringify(body);
  return gw.postWebhook(
    'instagram',
    raw,
    secret !== undefined ? { 'x-hub-signature-256': signHubBody(raw, secret) } : {},
  );
};
const ig = (...messaging: unknown[]) => ({
  object: 'instagram',
  entry: [{ id: IG_ID, time: Date.now(), messaging }],
});

describe('Instagram end to end', () => {
  it('sends every kind it carries; the signed seen receipt reads it (and implies delivered)', async () => {
    const kinds = MESSAGE_KINDS.filter((k) => k !== 'raw' && connector.capabilities[k].support !== 'refused');
    expect(kinds).toHaveLength(9);
    const ids = new Map<string, string>();
    // One person per kind, so each message is moved by its own seen receipt.
    for (const [i, kind] of kinds.entries())
      ids.set(kind, await send(`62819237712345${10 + i}`, SAMPLE_MESSAGES[kind]));
    for (const [kind, id] of ids) {
      const wanted = kind === 'sender_action' ? ['sent', 'failed'] : ['read', 'failed'];
      const done = await gw.waitForStatus(id, wanted);
      expect(done.status, `${kind}: ${JSON.stringify(done.events)}`).toBe(wanted[0]);
      if (kind === 'sender_action') continue;
      // Instagram reports only seen; a read message was delivered, so that is recorded with it.
      expect(statusesOf(done).slice(-3)).toEqual(['sent', 'delivered', 'read']);
      const delivered = (done.events as Array<{ status: string; detail?: { impliedBy?: string } }>).find(
        (e) => e.status === 'delivered',
      );
      expect(delivered?.detail?.impliedBy).toBe('read');
      if (connector.capabilities[kind as keyof typeof connector.capabilities].support === 'degraded') {
        expect((done.degradations as unknown[]).length).toBeGreaterThan(0);
      }
    }
    const receipt = await gw.api('GET', `/v1/messages/${ids.get('receipt')}`);
    expect(receipt.json.providerRequest.body.message.text).toContain('Receipt A-1001');
  });

  it('a repeated seen and a late delivery watermark never move a read message back', async () => {
    const id = await send(IGSID, { type: 'text', text: 'seen twice' });
    const read = await gw.waitForStatus(id, ['read']);
    const env = { sender: { id: IGSID }, recipient: { id: IG_ID }, timestamp: Date.now() };
    const secret = creds['appSecret'] ?? '';
    expect((await webhook(ig({ ...env, read: { mid: read.providerMessageId } }), secret)).statusCode).toBe(
      200,
    );
    expect(
      (
        await webhook(
          ig({ ...env, delivery: { mids: [read.providerMessageId], watermark: Date.now() } }),
          secret,
        )
      ).statusCode,
    ).toBe(200);
    const after = await gw.api('GET', `/v1/messages/${id}`);
    expect(after.json.status).toBe('read');
    expect(statusesOf(after.json).filter((s) => s === 'read')).toHaveLength(1);
  });

  it('verifies inbound signatures with the Instagram app secret: good, bad, missing', async () => {
    const body = ig({
      sender: { id: IGSID },
      recipient: { id: IG_ID },
      timestamp: Date.now(),
      message: { mid: 'aWdfZAG1faXRlbTo6e2e', text: 'ig hello' },
    });
    expect((await webhook(body)).statusCode).toBe(401);
    expect(
      (await webhook(body, CONNECTORS['messenger']?.sandboxCredentials['appSecret'] ?? 'x')).statusCode,
    ).toBe(401);
    expect((await webhook(body, creds['appSecret'] ?? '')).statusCode).toBe(200);
    const sim = await gw.simulate('instagram', { from: IGSID, postback: 'IG_POSTBACK' });
    expect(sim.statusCode).toBe(200);
    const events = await gw.inbound();
    expect(events.some((e) => e.kind === 'message' && e.event.text === 'ig hello')).toBe(true);
    expect(events.some((e) => e.kind === 'postback' && e.event.payload === 'IG_POSTBACK')).toBe(true);
    const hs = await gw.app.inject({
      method: 'GET',
      url: `/webhooks/instagram/${gw.accountId('instagram')}?hub.mode=subscribe&hub.verify_token=${creds['verifyToken']}&hub.challenge=77`,
    });
    expect(hs.body).toBe('77');
  });

  it('ends failures as classify says, and a HUMAN_AGENT tag opens the window', async () => {
    const noUser = await gw.waitForStatus(await send('9990000000000002', { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(noUser.status).toBe('failed');
    expect(noUser.statusReason).toContain('No matching user found');
    const window = await gw.waitForStatus(await send('2780000000000003', { type: 'text', text: 'x' }), [
      'failed',
      'sent',
    ]);
    expect(window.statusReason).toContain('outside of allowed window');
    const tagged = await gw.waitForStatus(
      await send(
        '2780000000000004',
        { type: 'text', text: 'x' },
        { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
      ),
      ['failed', 'read'],
    );
    expect(tagged.status).toBe('read');
    const throttled = await gw.waitForStatus(await send('6130000000000002', { type: 'text', text: 'x' }), [
      'failed',
      'read',
    ]);
    expect(throttled.status, JSON.stringify(throttled.events)).toBe('read');
    const tooLong = await gw.api('POST', '/v1/messages', {
      channel: 'instagram',
      to: IGSID,
      message: { type: 'text', text: 'é'.repeat(501) },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.json.errors[0]).toMatchObject({ pointer: '/message/text', rule: 'maxBytes' });
  });
});
