/**
 * The notifier refills its slots in batches: one claim statement serves many callbacks, where
 * refilling each slot as it freed claimed once per callback. Every callback is still delivered
 * once, on the real outbox of each backend, to a real receiver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewRecipient, Store } from '../../src/core/ports/store.ts';
import { generateWebhookSecret } from '../../src/lib/crypto.ts';
import { HttpClient } from '../../src/lib/http.ts';
import { newId } from '../../src/lib/ids.ts';
import { createLogger } from '../../src/lib/log.ts';
import { Notifier } from '../../src/webhooks/notifier.ts';
import { BACKENDS } from '../support/backends.ts';
import { startServer } from '../support/http-server.ts';
import { until } from '../support/until.ts';

const CALLBACKS = 200;
const SLOTS = 8;

describe.each(BACKENDS)('notifier claims: $name', (factory) => {
  let store: Store;
  beforeEach(async () => {
    ({ store } = await factory.create());
    await store.tenants.ensure('t1', 'one');
    await store.tenants.callbackSecret('t1', generateWebhookSecret);
  });
  afterEach(async () => store.close());

  it('claims a batch when half its slots are free, and delivers every callback once', async () => {
    // Each answer takes a moment, so slots free one by one as they would under load.
    const receiver = await startServer((_r, res) => setTimeout(() => res.writeHead(204).end(), 2));
    const recipients: NewRecipient[] = Array.from({ length: CALLBACKS }, (_, i) => ({
      id: newId('msg'),
      to: `U${i}`,
      request: { method: 'POST', path: '/send', body: {} },
      degradations: [],
    }));
    // Every recipient's `queued` event: one callback each.
    await store.messages.accept({
      tenantId: 't1',
      acceptedAt: new Date(Date.now() - 1000).toISOString(),
      channel: 'line',
      channelAccountId: 'ca_1',
      content: { type: 'text', text: 'hi' },
      callbackUrl: `${receiver.url}/cb`,
      recipients,
    });
    let claims = 0;
    const claimDue = store.callbacks.claimDue.bind(store.callbacks);
    store.callbacks.claimDue = (...args) => {
      claims += 1;
      return claimDue(...args);
    };
    const http = new HttpClient({ connections: SLOTS, timeoutMs: 5000 });
    // A long poll: what is counted is the claims the slots' refills make, not idle polls.
    const notifier = new Notifier({
      store,
      http,
      log: createLogger('silent'),
      concurrency: SLOTS,
      idleMs: 5000,
    });
    notifier.start();
    try {
      await until(() => (receiver.received.length >= CALLBACKS ? true : undefined), 20_000);
      const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
      expect(new Set(ids).size).toBe(CALLBACKS);
      // Refilling half the slots at a time: about CALLBACKS / (SLOTS / 2) claims, not one each.
      expect(claims).toBeLessThanOrEqual(CALLBACKS / (SLOTS / 2) + 2);
      await until(async () => {
        const states = (await store.callbacks.list('t1', recipients[0]!.id)).map((d) => d.state);
        return states[0] === 'delivered' ? true : undefined;
      });
    } finally {
      await notifier.stop();
      await http.close();
      await receiver.close();
    }
    expect(receiver.received).toHaveLength(CALLBACKS);
  }, 60_000);

  it("posts one message's statuses to its URL one after another, in the order they happened", async () => {
    const id = newId('msg');
    const other = newId('msg');
    // Arrival and answer times by message and event type. The first status of `id` is answered
    // slowly: the next must wait for that answer, not overtake it on another connection.
    const seen: Array<{ messageId: string; type: string; arrived: number; answered?: number }> = [];
    const receiver = await startServer((r, res) => {
      const body = JSON.parse(r.body) as { type: string; data: { messageId: string } };
      const entry = {
        messageId: body.data.messageId,
        type: body.type,
        arrived: Date.now(),
      } as (typeof seen)[number];
      seen.push(entry);
      const slow = body.data.messageId === id && body.type === 'message.queued';
      setTimeout(
        () => {
          entry.answered = Date.now();
          res.writeHead(204).end();
        },
        slow ? 300 : 0,
      );
    });
    const at = new Date(Date.now() - 1000).toISOString();
    await store.messages.accept({
      tenantId: 't1',
      acceptedAt: at,
      channel: 'line',
      channelAccountId: 'ca_1',
      content: { type: 'text', text: 'hi' },
      callbackUrl: `${receiver.url}/cb`,
      callbackEvents: ['*'],
      recipients: [id, other].map((m, i) => ({
        id: m,
        to: `U${i}`,
        request: { method: 'POST' as const, path: '/send', body: {} },
        degradations: [],
      })),
    });
    await store.messages.transition('t1', { messageId: id, status: 'sending', at });
    await store.messages.transition('t1', { messageId: id, status: 'sent', at, finishJob: true });
    const http = new HttpClient({ connections: SLOTS, timeoutMs: 5000 });
    const notifier = new Notifier({ store, http, log: createLogger('silent'), concurrency: SLOTS });
    notifier.start();
    try {
      await until(() => (seen.filter((e) => e.answered).length >= 4 ? true : undefined), 10_000);
    } finally {
      await notifier.stop();
      await http.close();
      await receiver.close();
    }
    const mine = seen.filter((e) => e.messageId === id);
    expect(mine.map((e) => e.type)).toEqual(['message.queued', 'message.sending', 'message.sent']);
    expect(mine[1]!.arrived).toBeGreaterThanOrEqual(mine[0]!.answered!);
    expect(mine[2]!.arrived).toBeGreaterThanOrEqual(mine[1]!.answered!);
    // Another message's callback was not held back by the slow one.
    expect(seen.find((e) => e.messageId === other)!.arrived).toBeLessThan(mine[0]!.answered!);
  });
});
