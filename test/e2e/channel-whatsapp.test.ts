/**
 * WhatsApp end to end through the public HTTP API: every kind it carries reaches the strict
 * emulator and moves to `delivered` and `read` by the emulator's signed receipts, receipts never
 * move a status back, inbound webhooks are verified on their raw bytes, the hub.challenge
 * handshake answers, a typed number answers a numbered choice, and each failure class ends as
 * classify says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHubBody } from '../../src/channels/families/meta-graph/webhook.ts';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { messageWebhook } from '../../src/channels/whatsapp/emulator/webhook.ts';
import { MESSAGE_KINDS, type MessageKind } from '../../src/core/vocabulary/message.ts';
import { SAMPLE_MESSAGES } from '../fixtures/messages.ts';
import { startTestGateway, statusesOf, type TestGateway } from '../support/gateway.ts';

const USER = '16505551234';
const connector = CONNECTORS['whatsapp'];
if (connector === undefined) throw new Error('whatsapp is not registered');
const creds = connector.sandboxCredentials;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

const send = (to: string, message: unknown) => gw.sendAccepted('whatsapp', to, message);
const webhook = (raw: string, signature?: string) =>
  gw.postWebhook('whatsapp', raw, signature !== undefined ? { 'x-hub-signature-256': signature } : {});

describe('WhatsApp end to end', () => {
  it('sends every kind it carries; each reaches read by signed receipts', async () => {
    const kinds = MESSAGE_KINDS.filter((k) => k !== 'raw' && connector.capabilities[k].support !== 'refused');
    expect(kinds).toHaveLength(10);
    const ids = new Map<MessageKind, string>();
    for (const kind of kinds) ids.set(kind, await send(USER, SAMPLE_MESSAGES[kind]));
    for (const [kind, id] of ids) {
      const done = await gw.waitForStatus(id, ['read', 'failed']);
      expect(done.status, `${kind}: ${JSON.stringify(done.events)}`).toBe('read');
      // WhatsApp does not promise receipt order; under load a `read` may overtake its `delivered`.
      expect(statusesOf(done)).toEqual(expect.arrayContaining(['sent', 'read']));
      expect(done.providerMessageId).toMatch(/^wamid\./);
      if (connector.capabilities[kind].support === 'degraded') {
        expect((done.degradations as unknown[]).length, kind).toBeGreaterThan(0);
      }
      expect(JSON.stringify(done.providerRequest)).not.toContain(creds['accessToken']);
      expect((done.providerRequest as { path: string }).path).toBe('/v23.0/{phoneNumberId}/messages');
    }
  });

  it('refuses the kinds WhatsApp lacks, and a recipient with a plus', async () => {
    const imagemap = await gw.api('POST', '/v1/messages', {
      channel: 'whatsapp',
      to: USER,
      message: SAMPLE_MESSAGES.imagemap,
    });
    expect(imagemap.status).toBe(422);
    const plus = await gw.api('POST', '/v1/messages', {
      channel: 'whatsapp',
      to: `+${USER}`,
      message: { type: 'text', text: 'x' },
    });
    expect(plus.status).toBe(400);
    expect(JSON.stringify(plus.json)).toContain('international format');
  });

  it('a late `delivered` after `read` does not move the status back', async () => {
    const id = await send(USER, { type: 'text', text: 'late receipt' });
    const read = await gw.waitForStatus(id, ['read', 'failed']);
    expect(read.status).toBe('read');
    expect(statusesOf(read)).toEqual(expect.arrayContaining(['sent', 'delivered', 'read']));
    await gw.simulateOk(
      'whatsapp',
      { id: read.providerMessageId, status: 'delivered', recipient: USER },
      '/_simulate/status',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect((await gw.api('GET', `/v1/messages/${id}`)).json.status).toBe('read');
  });

  it('a typed number answers a choice shown as numbered text', async () => {
    const from = '16505550199';
    await send(from, SAMPLE_MESSAGES.quick_replies);
    await new Promise((r) => setTimeout(r, 100));
    await gw.simulateOk('whatsapp', { from, text: '2' });
    const choice = (await gw.inbound('postback')).find((e) => e.event.from === from);
    expect(choice?.event).toMatchObject({ payload: 'Large please', choice: { number: 2 } });
  });
});

describe('WhatsApp inbound webhooks', () => {
  const body = JSON.stringify(
    messageWebhook(creds['phoneNumberId'] ?? '', { from: USER, text: 'signed hello' }),
  );

  it('accepts a good signature and stores the message once', async () => {
    const res = await webhook(body, signHubBody(body, creds['appSecret'] ?? ''));
    expect(res.statusCode).toBe(200);
    const again = await webhook(body, signHubBody(body, creds['appSecret'] ?? ''));
    expect(again.statusCode).toBe(200);
    expect((await gw.inbound('message')).filter((e) => e.event.text === 'signed hello')).toHaveLength(1);
  });

  it('refuses a bad or missing signature', async () => {
    expect((await webhook(body, signHubBody(body, 'not-the-secret'))).statusCode).toBe(401);
    expect((await webhook(body)).statusCode).toBe(401);
  });

  it('records a reply-button tap as a postback', async () => {
    await gw.simulateOk('whatsapp', { from: USER, buttonReply: 'TRACK_ORDER', title: 'Track' });
    expect((await gw.inbound('postback')).some((e) => e.event.payload === 'TRACK_ORDER')).toBe(true);
  });

  it('answers the hub.challenge handshake with our verify token only', async () => {
    const url = (token: string) =>
      `/webhooks/whatsapp/${gw.accountId('whatsapp')}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await gw.app.inject({ method: 'GET', url: url(creds['verifyToken'] ?? '') });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect((await gw.app.inject({ method: 'GET', url: url('wrong') })).statusCode).toBeGreaterThanOrEqual(
      400,
    );
  });
});

describe('WhatsApp failures', () => {
  it('outside the 24-hour window: accepted, then failed by receipt with WhatsApp reason', async () => {
    const done = await gw.waitForStatus(await send('999131047000001', { type: 'text', text: 'late' }), [
      'failed',
    ]);
    expect(done.statusReason).toContain('(#131047) Re-engagement message');
    expect(statusesOf(done)).toContain('sent');
  });

  it('not a WhatsApp account: failed at once, not retried', async () => {
    const done = await gw.waitForStatus(await send('999133010000001', { type: 'text', text: 'x' }), [
      'sent',
      'failed',
    ]);
    expect(done.status).toBe('failed');
    expect(done.statusReason).toContain('(#133010) Account not registered');
    expect(gw.requests('whatsapp', '999133010000001')).toHaveLength(1);
  });

  it('throughput limit and a server error are retried until sent', async () => {
    for (const to of ['999130429000001', '999131000000001']) {
      const done = await gw.waitForStatus(await send(to, { type: 'text', text: 'retry me' }), [
        'read',
        'failed',
      ]);
      expect(done.status, JSON.stringify(done.events)).toBe('read');
      expect(gw.requests('whatsapp', to).map((r) => r.status)).toEqual([
        to.startsWith('999130429') ? 400 : 500,
        200,
      ]);
    }
  });
});
