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
});
