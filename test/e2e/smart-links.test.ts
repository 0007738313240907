/**
 * Smart links: `{{link_N}}` becomes a short URL served by Omnigate, unique per recipient; a click
 * redirects, is recorded and called back; after its validity it answers 410.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
let clockOffsetMs = 0;

beforeAll(async () => {
  receiver = await startServer((_r, res) => res.writeHead(204).end());
  gw = await startTestGateway({}, { now: () => new Date(Date.now() + clockOffsetMs) });
});
afterAll(async () => {
  await gw.close();
  await receiver.close();
});

const shortUrl = /http:\/\/127\.0\.0\.1:\d+\/l\/([A-Za-z0-9]{10})/;

describe('smart links', () => {
  it('gives each recipient their own short URL, records clicks, and expires them', async () => {
    const link = await gw.api('POST', '/v1/links', {
      url: 'https://shop.example.com/sale?src=omnigate',
      name: 'sale',
    });
    expect(link.status).toBe(201);

    const sent = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      to: ['9100001', '9100002'],
      message: { type: 'text', text: 'Sale today: {{link_1}}' },
      smartlinks: [{ linkId: link.json.id, validity: 3600 }],
      callbackUrl: `${receiver.url}/cb`,
    });
    expect(sent.status).toBe(202);
    const [first, second] = await Promise.all(
      sent.json.messages.map((m: { id: string }) => gw.waitForStatus(m.id, ['sent'])),
    );
    const codeOf = (m: Record<string, unknown>) =>
      shortUrl.exec((m.providerRequest as { body: { text: string } }).body.text)?.[1] ?? '';
    expect(codeOf(first)).not.toBe('');
    expect(codeOf(first)).not.toBe(codeOf(second));
    // The stored message keeps the placeholder; each provider request has its own URL.
    expect(first?.message).toEqual({ type: 'text', text: 'Sale today: {{link_1}}' });

    const click = await gw.app.inject({
      method: 'GET',
      url: `/l/${codeOf(first)}`,
      headers: { 'user-agent': 'test-phone' },
    });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://shop.example.com/sale?src=omnigate');

    const clicks = (await gw.api('GET', `/v1/links/${link.json.id}/clicks`)).json.data;
    expect(clicks).toEqual([
      {
        code: codeOf(first),
        messageId: first?.id,
        recipient: '9100001',
        at: expect.any(String),
        userAgent: 'test-phone',
      },
    ]);
    const events = (await gw.api('GET', `/v1/messages/${first?.id}`)).json.events as Array<{ code?: string }>;
    expect(events.at(-1)).toMatchObject({ code: 'clicked', detail: { linkId: link.json.id } });
    const deadline = Date.now() + 5_000;
    while (!receiver.received.some((r) => r.body.includes('"message.clicked"')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const callback = receiver.received.find((r) => r.body.includes('"message.clicked"'));
    expect(JSON.parse(callback?.body ?? '{}').data).toMatchObject({
      messageId: first?.id,
      url: 'https://shop.example.com/sale?src=omnigate',
    });

    clockOffsetMs = 3_601_000;
    const late = await gw.app.inject({ method: 'GET', url: `/l/${codeOf(second)}` });
    expect(late.statusCode).toBe(410);
    clockOffsetMs = 0;
    expect((await gw.app.inject({ method: 'GET', url: '/l/nonexistent' })).statusCode).toBe(404);
  });

  it('names a missing link and a placeholder without an entry', async () => {
    const unknown = await gw.api('POST', '/v1/messages', {
      channel: 'telegram',
      to: '9100003',
      message: { type: 'text', text: 'Go: {{link_1}}' },
      smartlinks: [{ linkId: 'lk_nope' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.errors).toEqual([
      expect.objectContaining({ pointer: '/smartlinks/0/linkId', rule: 'link' }),
    ]);
    const missing = await gw.send('telegram', '9100003', { type: 'text', text: 'Go: {{link_2}}' });
    expect(missing.json.errors).toEqual([
      expect.objectContaining({ pointer: '/message', rule: 'smartlink' }),
    ]);
  });
});
