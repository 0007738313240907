/**
 * The embedded default with dispatch in its own thread (OMNIGATE_DISPATCH_THREAD, runtime.ts):
 * two connections write one SQLite file, so this checks through the HTTP API that nothing is lost
 * or doubled between them, that the API's thread never waits for the thread's write lock, and
 * that a webhook subscription made on the API's connection reaches the thread's sends.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.ts';
import { startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';
import { until } from '../support/until.ts';

let gw: TestGateway;
let sink: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  if (process.env.OMNIGATE_TEST_GATEWAY_BACKEND === 'postgres') return;
  sink = await startServer((_r, res) => res.writeHead(204).end());
  gw = await startTestGateway({}, { dispatchThread: true });
});
afterAll(async () => {
  await gw?.close();
  await sink?.close();
});

const callbacksAt = (path: string) =>
  sink.received
    .filter((r) => r.url === path)
    .map((r) => ({ webhookId: String(r.headers['webhook-id']), ...JSON.parse(r.body) }));

const sendLine = async (text: string, callbackUrl?: string) => {
  const res = await gw.api('POST', '/v1/messages', {
    channel: 'line',
    to: LINE_USER,
    message: { type: 'text', text },
    ...(callbackUrl ? { callbackUrl } : {}),
  });
  expect(res.status, JSON.stringify(res.json)).toBe(202);
  return res.json.messages[0].id as string;
};

// The thread serves the embedded file; with PostgreSQL, `omnigate worker` processes do its work.
describe.skipIf(process.env.OMNIGATE_TEST_GATEWAY_BACKEND === 'postgres')(
  'dispatch in its own thread',
  () => {
    it('runs beside the API and says so in /readyz', async () => {
      expect(gw.dispatcher.isRunning).toBe(true);
      expect(gw.notifier.isRunning).toBe(true);
      const ready = await gw.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
    });

    it('sends 200 messages once each, with each callback once, while reads answer', async () => {
      const ids = await Promise.all(
        Array.from({ length: 200 }, (_, i) => sendLine(`thread ${i}`, `${sink.url}/many`)),
      );
      expect(new Set(ids).size).toBe(200);
      // Reads keep answering while the thread dispatches.
      const reads: number[] = [];
      const finals = await until(async () => {
        const started = Date.now();
        const page = await gw.api('GET', '/v1/messages?limit=10');
        expect(page.status).toBe(200);
        reads.push(Date.now() - started);
        const views = await Promise.all(ids.map((id) => gw.api('GET', `/v1/messages/${id}`)));
        return views.every((v) => v.json.status === 'sent') ? views.map((v) => v.json) : undefined;
      }, 30_000);
      expect(reads.length).toBeGreaterThan(0);
      for (const m of finals) {
        expect(m.events.filter((e: { status: string }) => e.status === 'sent')).toHaveLength(1);
      }
      // Every message reached the provider exactly once.
      const texts = gw
        .requests('line')
        .map((r) => JSON.stringify(r.body))
        .filter((b) => b.includes('thread '));
      expect(texts).toHaveLength(200);
      // Callbacks: each message's `sent` exactly once, and no event delivered twice.
      const callbacks = await until(() => {
        const got = callbacksAt('/many');
        const sent = got.filter((c) => c.data.status === 'sent');
        return sent.length >= 200 ? got : undefined;
      }, 30_000);
      await new Promise((r) => setTimeout(r, 300));
      const all = callbacksAt('/many');
      expect(new Set(all.map((c) => c.webhookId)).size).toBe(all.length);
      const sentBy = new Map<string, number>();
      for (const c of all.filter((c) => c.data.status === 'sent')) {
        sentBy.set(c.data.messageId, (sentBy.get(c.data.messageId) ?? 0) + 1);
      }
      expect([...sentBy.keys()].sort()).toEqual([...ids].sort());
      expect([...sentBy.values()].every((n) => n === 1)).toBe(true);
      expect(callbacks.every((c) => ids.includes(c.data.messageId))).toBe(true);
    }, 60_000);

    it("tells the thread of a webhook subscription made on the API's connection", async () => {
      // The thread has read this tenant's subscriptions (none) for the sends above.
      const sub = await gw.api('POST', '/v1/webhooks', { url: `${sink.url}/subscribed` });
      expect(sub.status).toBe(201);
      const id = await sendLine('after subscribing');
      const sent = await until(() =>
        callbacksAt('/subscribed').find((c) => c.data.messageId === id && c.data.status === 'sent'),
      );
      expect(sent.type).toBe('message.sent');
      await gw.api('DELETE', `/v1/webhooks/${sub.json.id}`);
    });

    it('keeps accepting, whole, while another connection holds the write lock', async () => {
      const other = new Database(join(gw.config.dataDir, 'omnigate.db'));
      try {
        other.exec('BEGIN IMMEDIATE');
        // Accepts wait for the lock without stopping the API's event loop: a timer still fires on
        // time and a read still answers meanwhile.
        const accepts = Array.from({ length: 20 }, (_, i) => sendLine(`locked out ${i}`));
        const timerLate = await new Promise<number>((resolve) => {
          const at = Date.now();
          setTimeout(() => resolve(Date.now() - at - 50), 50);
        });
        expect(timerLate).toBeLessThan(40);
        const read = await gw.api('GET', '/v1/messages?limit=1');
        expect(read.status).toBe(200);
        await new Promise((r) => setTimeout(r, 250));
        const stored = other
          .prepare("SELECT count(*) AS n FROM messages WHERE content LIKE '%locked out%'")
          .get();
        expect(stored).toEqual({ n: 0 });
        other.exec('COMMIT');
        const ids = await Promise.all(accepts);
        expect(new Set(ids).size).toBe(20);
        await Promise.all(ids.map((id) => gw.waitForStatus(id, ['sent'], 15_000)));
      } finally {
        if (other.inTransaction) other.exec('ROLLBACK');
        other.close();
      }
    }, 30_000);
  },
);
