/**
 * Isolation through the public API: one tenant's campaign does not hold back another tenant's
 * send, nor a transactional send on the campaign's own account. The provider is slow and
 * dispatch narrow, so the backlog drains for minutes; oldest-first claiming would send the later
 * messages only after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { hashApiKey } from '../../src/lib/crypto.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';

const OTHER_KEY = 'og_other_tenant_key_for_fair_dispatch_0123';
const asOther = { authorization: `Bearer ${OTHER_KEY}` };
const BATCHES = 10;
const PER_BATCH = 1_000;
const PROVIDER_MS = 100;

let gw: TestGateway;
let provider: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  // A Telegram answering every request after PROVIDER_MS: with 8 sends in flight the backlog
  // drains at about 80 a second, two minutes for 10,000.
  provider = await startServer((req, res) => {
    setTimeout(() => {
      const chat = JSON.parse(req.body).chat_id as number;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ ok: true, result: { message_id: 1, date: 1, chat: { id: chat, type: 'private' } } }),
      );
    }, PROVIDER_MS);
  });
  gw = await startTestGateway({
    OMNIGATE_TELEGRAM_API_BASE: provider.url,
    OMNIGATE_TELEGRAM_RATE_PER_SECOND: '10000',
    OMNIGATE_DISPATCH_CONCURRENCY: '8',
  });
  await gw.store.tenants.ensure('tn_fair_b', 'other');
  await gw.store.tenants.addApiKey('tn_fair_b', hashApiKey(OTHER_KEY), 'og_othe');
}, 60_000);
afterAll(async () => {
  await gw.close();
  await provider.close();
});

async function addAccount(headers: Record<string, string> = {}): Promise<string> {
  const res = await gw.api(
    'POST',
    '/v1/channel-accounts',
    { channel: 'telegram', name: 'bot', credentials: CONNECTORS.telegram?.sandboxCredentials },
    headers,
  );
  expect(res.status).toBe(201);
  return res.json.id;
}

async function send(
  from: string,
  to: string[],
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<string[]> {
  const res = await gw.api(
    'POST',
    '/v1/messages',
    { channel: 'telegram', from, to, message: { type: 'text', text: 'x' }, ...extra },
    headers,
  );
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json.messages.map((m: { id: string }) => m.id);
}

/** How long after `since` the message reached `sent`, polling its status. */
async function sentWithin(id: string, since: number, headers: Record<string, string> = {}): Promise<number> {
  for (;;) {
    const res = await gw.api('GET', `/v1/messages/${id}`, undefined, headers);
    if (res.json.status === 'sent') return Date.now() - since;
    if (res.json.status === 'failed' || Date.now() - since > 20_000) return Number.POSITIVE_INFINITY;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fair dispatch', () => {
  it("sends another tenant's send and a transactional send past a campaign's backlog", async () => {
    const x = await addAccount();
    const y = await addAccount(asOther);
    const campaign: string[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const to = Array.from({ length: PER_BATCH }, (_, i) => String(9_000_000 + b * PER_BATCH + i));
      campaign.push(...(await send(x, to)));
    }
    // Let the drain get under way, so the backlog is being worked, not just waiting.
    while (provider.received.length < 50) await new Promise((r) => setTimeout(r, 20));

    const started = Date.now();
    const [single] = await send(y, ['8000001'], {}, asOther);
    const batchOfOther = await send(y, ['8000002', '8000003'], {}, asOther);
    const [transactional] = await send(x, ['8000004'], { priority: 'transactional' });
    const took = await Promise.all([
      sentWithin(single!, started, asOther),
      ...batchOfOther.map((id) => sentWithin(id, started, asOther)),
      sentWithin(transactional!, started),
    ]);
    // A claim frees up every PROVIDER_MS / 8; a second is ample, and far from the two minutes
    // the backlog takes.
    expect(
      took.every((ms) => ms < 1_000),
      `sent after ${took.join(', ')} ms`,
    ).toBe(true);

    // The campaign is still draining, and nothing of it was lost or skipped in the meantime.
    const campaignSent = provider.received.filter((r) => Number(JSON.parse(r.body).chat_id) >= 9_000_000);
    expect(campaignSent.length).toBeLessThan(campaign.length);
    const last = await gw.api('GET', `/v1/messages/${campaign.at(-1)}`);
    expect(last.json.status).toBe('queued');
  }, 120_000);

  it('names the field of an unknown priority', async () => {
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      to: ['8000009'],
      message: { type: 'text', text: 'x' },
      priority: 'urgent',
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.json)).toContain('/priority');
  });
});
