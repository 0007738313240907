/**
 * How the dispatcher treats what providers answer: retry what can be retried (without burning an
 * attempt on throttling), fail at once with the provider's reason on a permanent error, take a 2xx
 * as sent whatever its body, resend a maybe-sent message once at most (and counted) to a provider
 * that does not deduplicate, and never send an expired one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import type { GatewayOptions } from '../../src/runtime.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { json, startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

const lineOk = { sentMessages: [{ id: '4711', quoteToken: 'q' }] };
const telegramOk = {
  ok: true,
  result: { message_id: 9, date: 1, chat: { id: 12345, type: 'private' }, text: 'x' },
};

let gw: TestGateway | undefined;
let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await gw?.close();
  await closeServer?.();
  gw = undefined;
});

async function withProvider(
  handler: Parameters<typeof startServer>[0],
  env: (url: string) => Record<string, string>,
  options: GatewayOptions = {},
) {
  const server = await startServer(handler);
  closeServer = server.close;
  gw = await startTestGateway(env(server.url), options);
  return server;
}

const sendHi = (channel: string, to: string, text = 'hi') =>
  gw!.api('POST', '/v1/messages', { channel, to, message: { type: 'text', text } });
const sendLine = (text = 'hi') => sendHi('line', LINE_USER, text);
const sendTelegram = () => sendHi('telegram', '12345');

describe('provider failures', () => {
  it('retries 5xx with backoff and ends sent, logging each attempt', async () => {
    const server = await withProvider(
      (_r, res, n) => (n <= 2 ? json(res, 500, { message: 'Internal error' }) : json(res, 200, lineOk)),
      (url) => ({ OMNIGATE_LINE_API_BASE: url }),
    );
    const id = (await sendLine()).json.messages[0].id;
    const done = await gw!.waitForStatus(id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toBe('4711');
    expect(done.attempts).toBe(3);
    expect(server.received).toHaveLength(3);
    // LINE deduplicates by X-Line-Retry-Key: every attempt carries the same key.
    expect(new Set(server.received.map((r) => r.headers['x-line-retry-key'])).size).toBe(1);
    const notes = (done.events as Array<{ detail?: { outcome?: string } }>).filter(
      (e) => e.detail?.outcome === 'transient',
    );
    expect(notes).toHaveLength(2);
  });

  it('waits out Telegram throttling without using up attempts', async () => {
    const server = await withProvider(
      (_r, res, n) =>
        n <= 4
          ? json(res, 429, {
              ok: false,
              error_code: 429,
              description: 'Too Many Requests: retry after 0',
              parameters: { retry_after: 0 },
            })
          : json(res, 200, telegramOk),
      (url) => ({ OMNIGATE_TELEGRAM_API_BASE: url }),
      { dispatcher: { maxAttempts: 2 } },
    );
    const res = await sendTelegram();
    const done = await gw!.waitForStatus(res.json.messages[0].id, ['sent', 'failed']);
    // Four 429s with only two attempts allowed: throttling did not count.
    expect(done.status).toBe('sent');
    expect(server.received).toHaveLength(5);
    expect(server.received[0]!.url).toMatch(/^\/bot[^/]+\/sendMessage$/);
  });

  it('fails at once on a permanent error, with the provider reason', async () => {
    const server = await withProvider(
      (_r, res) =>
        json(res, 400, {
          message: 'The request body has 1 error(s)',
          details: [{ message: 'Invalid', property: 'to' }],
        }),
      (url) => ({ OMNIGATE_LINE_API_BASE: url }),
    );
    const done = await gw!.waitForStatus((await sendLine()).json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.statusReason).toContain('The request body has 1 error(s)');
    expect(server.received).toHaveLength(1);
  });

  it('gives up after the attempt budget and says why', async () => {
    const server = await withProvider(
      (_r, res) => json(res, 503, { message: 'unavailable' }),
      (url) => ({ OMNIGATE_LINE_API_BASE: url }),
      { dispatcher: { maxAttempts: 3 } },
    );
    const done = await gw!.waitForStatus((await sendLine()).json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.statusReason).toContain('gave up after 3 attempts');
    expect(server.received).toHaveLength(3);
  });

  it('resends a maybe-sent Telegram message once at most (no provider deduplication), counted', async () => {
    const server = await withProvider(
      (_r, res) => res.socket?.destroy(),
      (url) => ({ OMNIGATE_TELEGRAM_API_BASE: url }),
    );
    const res = await sendTelegram();
    const done = await gw!.waitForStatus(res.json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.statusReason).toContain('not resent');
    expect(server.received).toHaveLength(2);
    expect(done.maybeSentResends).toBe(1);
    const codes = (done.events as Array<{ code?: string }>).map((e) => e.code).filter(Boolean);
    expect(codes).toEqual(['maybe_sent_resend', 'maybe_sent']);
  });

  it('takes a 2xx whose body cannot be read as sent, and never sends it again', async () => {
    const server = await withProvider(
      (_r, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true,"result":{"message_id":9,"da');
      },
      (url) => ({ OMNIGATE_TELEGRAM_API_BASE: url }),
    );
    const res = await sendTelegram();
    const done = await gw!.waitForStatus(res.json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toBeUndefined();
    await new Promise((r) => setTimeout(r, 200));
    expect(server.received).toHaveLength(1);
    expect(done.maybeSentResends).toBe(0);
  });

  it('after a proxy 502 sends once more at most, then fails maybe_sent (Messenger)', async () => {
    const server = await withProvider(
      (_r, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      },
      (url) => ({ OMNIGATE_MESSENGER_API_BASE: url }),
    );
    const res = await sendHi('messenger', '7000000000000001');
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    const done = await gw!.waitForStatus(res.json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('failed');
    expect(server.received).toHaveLength(2);
    expect(done.maybeSentResends).toBe(1);
    const events = done.events as Array<{ code?: string; detail?: { cause?: string } }>;
    expect(events.find((e) => e.code === 'maybe_sent_resend')?.detail?.cause).toBe('messenger_http_502');
    expect(events.at(-1)?.code).toBe('maybe_sent');
  });

  it('sends a message cut off by a reset once more and counts it (Telegram)', async () => {
    const server = await withProvider(
      (_r, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, telegramOk)),
      (url) => ({ OMNIGATE_TELEGRAM_API_BASE: url }),
    );
    const res = await sendTelegram();
    const done = await gw!.waitForStatus(res.json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toBe('12345:9');
    expect(server.received).toHaveLength(2);
    expect(done.maybeSentResends).toBe(1);
  });

  it('resends a maybe-sent LINE message with the same retry key, which LINE deduplicates', async () => {
    const server = await withProvider(
      (_r, res, n) => (n === 1 ? res.socket?.destroy() : json(res, 200, lineOk)),
      (url) => ({ OMNIGATE_LINE_API_BASE: url }),
    );
    const done = await gw!.waitForStatus((await sendLine()).json.messages[0].id, ['sent', 'failed']);
    expect(done.status).toBe('sent');
    expect(server.received).toHaveLength(2);
    expect(done.maybeSentResends).toBe(1);
    expect(server.received[0]!.headers['x-line-retry-key']).toBe(
      server.received[1]!.headers['x-line-retry-key'],
    );
  });

  it('holds the per-account rate limit even for many concurrent sends', async () => {
    const server = await withProvider(
      (_r, res) => json(res, 200, telegramOk),
      (url) => ({ OMNIGATE_TELEGRAM_API_BASE: url, OMNIGATE_TELEGRAM_RATE_PER_SECOND: '20' }),
    );
    const origin = Date.now();
    const to = Array.from({ length: 50 }, (_, i) => String(1000 + i));
    const res = await gw!.api('POST', '/v1/messages', {
      channel: 'telegram',
      to,
      message: { type: 'text', text: 'hi' },
    });
    for (const m of res.json.messages) await gw!.waitForStatus(m.id, ['sent'], 15_000);
    // A burst of 20, then 20 per second: the 50th send cannot come before 1.5 s.
    expect(server.received).toHaveLength(50);
    expect(Date.now() - origin).toBeGreaterThanOrEqual(1400);
  });

  it('ends a message whose attempts keep throwing, instead of claiming it forever', async () => {
    const server = await startServer((_r, res) => json(res, 200, lineOk));
    closeServer = server.close;
    const broken = {
      ...CONNECTORS,
      line: {
        ...CONNECTORS.line!,
        authorize: () => {
          throw new Error('credentials cannot be decrypted');
        },
      },
    };
    gw = await startTestGateway(
      { OMNIGATE_LINE_API_BASE: server.url },
      { connectors: broken, dispatcher: { maxAttempts: 3 } },
    );
    const done = await gw.waitForStatus((await sendLine()).json.messages[0].id, ['sent', 'failed']);
    expect(done).toMatchObject({ status: 'failed', attempts: 3 });
    expect(done.statusReason).toContain('credentials cannot be decrypted');
    expect(server.received).toHaveLength(0);
  });

  it('never sends a message whose expiry passed while it waited', async () => {
    const server = await startServer((_r, res) => json(res, 200, lineOk));
    closeServer = server.close;
    gw = await startTestGateway({ OMNIGATE_LINE_API_BASE: server.url }, { startWorkers: false });
    const res = await gw.api('POST', '/v1/messages', {
      channel: 'line',
      to: LINE_USER,
      message: { type: 'text', text: 'too late' },
      expiresAt: new Date(Date.now() + 300).toISOString(),
    });
    await new Promise((r) => setTimeout(r, 400));
    gw.dispatcher.start();
    const done = await gw.waitForStatus(res.json.messages[0].id, ['expired', 'sent']);
    expect(done.status).toBe('expired');
    expect(server.received).toHaveLength(0);
  });
});
