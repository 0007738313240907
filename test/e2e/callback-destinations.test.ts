/**
 * Callback URLs are chosen by tenants, so they may not point into the gateway's own network unless
 * OMNIGATE_WEBHOOK_ALLOWLIST says so: literal addresses are refused at accept time, names that
 * resolve to such addresses when the callback is delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';

let gw: TestGateway;
let receiver: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  gw = await startTestGateway({ OMNIGATE_WEBHOOK_ALLOWLIST: '' });
  receiver = await startServer((_r, res) => res.writeHead(204).end());
});
afterAll(async () => {
  await receiver.close();
  await gw.close();
});

const send = (callbackUrl: string) =>
  gw.api('POST', '/v1/messages', {
    channel: 'line',
    to: LINE_USER,
    message: { type: 'text', text: 'hi' },
    callbackUrl,
  });

describe('callback destinations', () => {
  it.each([
    'http://127.0.0.1:9/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.8/hook',
    'http://[::1]:9/hook',
    'http://[::ffff:192.168.0.1]/hook',
  ])('refuses %s at accept time, naming the field, and stores nothing', async (url) => {
    const before = (await gw.api('GET', '/v1/messages?limit=100')).json.data.length;
    const res = await send(url);
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([
      expect.objectContaining({ pointer: '/callbackUrl', rule: 'public_address' }),
    ]);
    expect((await gw.api('GET', '/v1/messages?limit=100')).json.data.length).toBe(before);
  });

  it('refuses at delivery a name that resolves to loopback, and does not retry it', async () => {
    const port = new URL(receiver.url).port;
    const res = await send(`http://localhost:${port}/hook`);
    expect(res.status).toBe(202);
    const id = res.json.messages[0].id;
    await gw.waitForStatus(id, ['sent']);
    const deadline = Date.now() + 5_000;
    let deliveries = await gw.store.callbacks.list('tn_default', id);
    while (deliveries.some((d) => d.state !== 'failed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      deliveries = await gw.store.callbacks.list('tn_default', id);
    }
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) {
      expect(d.state).toBe('failed');
      expect(d.attempts).toBe(1);
      expect(d.lastError).toMatch(/FORBIDDEN_DESTINATION.*localhost/);
    }
    expect(receiver.received).toHaveLength(0);
  });
});
