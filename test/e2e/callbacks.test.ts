/**
 * Status callbacks: the status changes a send asks for (callbackEvents; every one with `*`) are
 * POSTed to callbackUrl, signed per Standard Webhooks with the tenant's secret, carrying
 * callbackData; failures are retried. Which events by default: callback-events.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../src/webhooks/sign.ts';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';
import { until } from '../support/until.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => gw.close());

describe('status callbacks', () => {
  it('posts each status change, signed, in order, with callbackData', async () => {
    const receiver = await startServer((_r, res) => res.writeHead(204).end());
    try {
      const { json: account } = await gw.api('GET', '/v1/account');
      expect(account.callbackSigningSecret).toMatch(/^whsec_/);
      const res = await gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'tell me' },
        callbackUrl: `${receiver.url}/hook`,
        callbackEvents: ['*'],
        callbackData: 'order=42',
      });
      const id = res.json.messages[0].id;
      await until(() => (receiver.received.length >= 3 ? true : undefined));
      const events = receiver.received.map((r) => {
        const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
        expect(verify(account.callbackSigningSecret, headers, r.body)).toBe(true);
        expect(verify(account.callbackSigningSecret, headers, r.body.replace('messageId', 'messageID'))).toBe(
          false,
        );
        expect(verify(account.callbackSigningSecret, headers, `${r.body} `)).toBe(false);
        return { id: headers['webhook-id'], ...JSON.parse(r.body) };
      });
      expect(events.map((e) => e.data.status)).toEqual(['queued', 'sending', 'sent']);
      expect(events.map((e) => e.data.sequence)).toEqual([2, 3, 4]);
      expect(events.every((e) => e.data.messageId === id && e.data.callbackData === 'order=42')).toBe(true);
      expect(events[2].type).toBe('message.sent');
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing endpoint with the same webhook-id until it answers 2xx', async () => {
    const tries = new Map<string, number>();
    const receiver = await startServer((r, res) => {
      const id = String(r.headers['webhook-id']);
      tries.set(id, (tries.get(id) ?? 0) + 1);
      res.writeHead(tries.get(id)! <= 2 ? 503 : 200).end();
    });
    try {
      await gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'retry me' },
        callbackUrl: `${receiver.url}/flaky`,
      });
      // The default events: `sent` alone, refused twice and then taken: three tries.
      await until(() => (receiver.received.length >= 3 ? true : undefined));
      expect([...tries.values()]).toEqual([3]);
      const bodies = new Map(receiver.received.map((r) => [String(r.headers['webhook-id']), r.body]));
      for (const r of receiver.received) expect(r.body).toBe(bodies.get(String(r.headers['webhook-id'])));
    } finally {
      await receiver.close();
    }
  });

  it('keeps delivering to other endpoints while one is slow', async () => {
    const slow = await startServer((_r, res) => {
      setTimeout(() => res.writeHead(200).end(), 3000);
    });
    const fast = await startServer((_r, res) => res.writeHead(204).end());
    try {
      const send = (url: string) =>
        gw.api('POST', '/v1/messages', {
          channel: 'line',
          to: LINE_USER,
          message: { type: 'text', text: 'slots' },
          callbackUrl: url,
        });
      await send(`${slow.url}/slow`);
      await until(() => (slow.received.length > 0 ? true : undefined));
      const started = Date.now();
      await send(`${fast.url}/fast`);
      await until(() => (fast.received.length >= 1 ? true : undefined), 2500);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await fast.close();
      await slow.close();
    }
  });

  it('gives up on an endpoint that never answers after the provider timeout, and tries again', async () => {
    // Its own gateway: the timeout bounds callbacks as it bounds provider calls, so a hung
    // receiver cannot hold a claimed callback past its lease.
    const quick = await startTestGateway({ OMNIGATE_PROVIDER_TIMEOUT_MS: '300', OMNIGATE_LEASE_MS: '2600' });
    const firstTry = new Map<string, number>();
    const gaps: number[] = [];
    const receiver = await startServer((r, res) => {
      const id = String(r.headers['webhook-id']);
      // The first try of each event hangs; the next is answered.
      const first = firstTry.get(id);
      if (first === undefined) firstTry.set(id, Date.now());
      else {
        gaps.push(Date.now() - first);
        res.writeHead(204).end();
      }
    });
    try {
      await quick.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'hung receiver' },
        callbackUrl: `${receiver.url}/hangs`,
      });
      await until(() => (receiver.received.length >= 2 ? true : undefined), 4000);
      expect(firstTry.size).toBe(1);
      // Abandoned at the timeout and retried on the schedule, not left hanging until the lease
      // ran out and another claim sent it again beside the first.
      expect(gaps.every((ms) => ms < 1500)).toBe(true);
    } finally {
      await receiver.close();
      await quick.close();
    }
  });

  it('does not follow redirects', async () => {
    const receiver = await startServer((r, res) =>
      r.url === '/moved' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.writeHead(200).end(),
    );
    try {
      await gw.api('POST', '/v1/messages', {
        channel: 'line',
        to: LINE_USER,
        message: { type: 'text', text: 'redirect' },
        callbackUrl: `${receiver.url}/moved`,
      });
      await new Promise((r) => setTimeout(r, 600));
      expect(receiver.received.some((r) => r.url === '/elsewhere')).toBe(false);
      expect(receiver.received.filter((r) => r.url === '/moved').length).toBeGreaterThanOrEqual(2);
    } finally {
      await receiver.close();
    }
  });
});
