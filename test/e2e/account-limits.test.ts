/**
 * Per-account delivery limits over the channel defaults: a rate, a concurrency bound, changed at
 * run time; and a per-channel default expiry for messages sent without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;
let provider: Awaited<ReturnType<typeof startServer>>;
let inFlight = 0;
let mostInFlight = 0;

beforeAll(async () => {
  // A Telegram that takes 80 ms per request, counting how many it holds at once.
  provider = await startServer((req, res) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      const chat = JSON.parse(req.body).chat_id as number;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ ok: true, result: { message_id: 1, date: 1, chat: { id: chat, type: 'private' } } }),
      );
    }, 80);
  });
  gw = await startTestGateway({
    OMNIGATE_TELEGRAM_API_BASE: provider.url,
    OMNIGATE_LINE_DEFAULT_TTL_SECONDS: '60',
  });
});
afterAll(async () => {
  await gw.close();
  await provider.close();
});

async function addTelegramAccount(limits: Record<string, number>): Promise<string> {
  const res = await gw.api('POST', '/v1/channel-accounts', {
    channel: 'telegram',
    name: 'limited bot',
    credentials: CONNECTORS.telegram?.sandboxCredentials,
    limits,
  });
  expect(res.status).toBe(201);
  expect(res.json.limits).toEqual(limits);
  return res.json.id;
}

async function sendBurst(from: string, n: number): Promise<string[]> {
  const to = Array.from({ length: n }, (_, i) => String(8_100_000 + i));
  const res = await gw.api('POST', '/v1/messages', {
    channel: 'telegram',
    from,
    to,
    message: { type: 'text', text: 'x' },
  });
  expect(res.status).toBe(202);
  return res.json.messages.map((m: { id: string }) => m.id);
}

describe('per-account limits', () => {
  it('holds an account to its own concurrency, without using attempts', async () => {
    const from = await addTelegramAccount({ concurrency: 2 });
    mostInFlight = 0;
    for (const id of await sendBurst(from, 10)) {
      const done = await gw.waitForStatus(id, ['sent', 'failed']);
      expect(done.status).toBe('sent');
      expect(done.attempts).toBe(1);
    }
    expect(mostInFlight).toBe(2);
  });

  it('holds an account to its own rate, and lets its limits be changed through the API', async () => {
    const from = await addTelegramAccount({ ratePerSecond: 10, burst: 1 });
    const before = provider.received.length;
    const started = Date.now();
    for (const id of await sendBurst(from, 6)) await gw.waitForStatus(id, ['sent']);
    // Five gaps of 100 ms at least.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(provider.received.length - before).toBe(6);

    const changed = await gw.api('PATCH', `/v1/channel-accounts/${from}`, {
      limits: { ratePerSecond: 1000 },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.limits).toEqual({ ratePerSecond: 1000 });
    const listed = await gw.api('GET', '/v1/channel-accounts');
    expect(listed.json.data.find((a: { id: string }) => a.id === from).limits).toEqual({
      ratePerSecond: 1000,
    });
  });

  it('names the field of a bad limit', async () => {
    const res = await gw.api('POST', '/v1/channel-accounts', {
      channel: 'telegram',
      name: 'bad',
      credentials: CONNECTORS.telegram?.sandboxCredentials,
      limits: { concurrency: 0, perHour: 3 },
    });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/limits/concurrency', rule: 'minimum' }),
        expect.objectContaining({ pointer: '/limits/perHour', rule: 'additionalProperties' }),
      ]),
    );
    expect((await gw.api('PATCH', '/v1/channel-accounts/ca_nope', { limits: {} })).status).toBe(404);
  });
});

describe('default expiry per channel', () => {
  it('gives a message sent without expiresAt the channel default, and keeps one that has it', async () => {
    const before = Date.now();
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'x' },
    });
    const m = (await gw.api('GET', `/v1/messages/${res.json.messages[0].id}`)).json;
    const expires = Date.parse(m.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 59_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 61_000);

    const own = new Date(Date.now() + 3_600_000).toISOString();
    const res2 = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'x' },
      expiresAt: own,
    });
    expect((await gw.api('GET', `/v1/messages/${res2.json.messages[0].id}`)).json.expiresAt).toBe(own);
  });
});
