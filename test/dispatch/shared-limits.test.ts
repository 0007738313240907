/**
 * Two dispatchers, as two worker processes run them, on one queue and one set of Redis-backed
 * limits: the provider sees one account's rate, not twice it. And limits that cannot be reached
 * delay messages without failing them or using their attempts.
 *
 * The dispatchers are built here rather than through startTestGateway: the runtime does not yet
 * take shared limits from configuration, and two dispatchers need one queue.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/channels/registry.ts';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { AccountLimits, Store } from '../../src/core/ports/store.ts';
import { Dispatcher } from '../../src/dispatch/dispatcher.ts';
import { createMemoryLimits } from '../../src/dispatch/limits/memory.ts';
import { createRedisLimits } from '../../src/dispatch/limits/redis.ts';
import type { DeliveryLimits } from '../../src/dispatch/limits/types.ts';
import { createSecretBox } from '../../src/lib/crypto.ts';
import { HttpClient } from '../../src/lib/http.ts';
import { newId } from '../../src/lib/ids.ts';
import { createLogger } from '../../src/lib/log.ts';
import { createSqliteBackend } from '../../src/store/sqlite/index.ts';
import { callbackPayloads } from '../../src/webhooks/formats/registry.ts';
import { json, startServer } from '../support/http-server.ts';
import { LINE_USER } from '../support/recipients.ts';
import { testRedis } from '../support/redis.ts';
import { startTcpGate } from '../support/tcp-gate.ts';

const redis = await testRedis('redis dispatcher suites');

const TENANT = 't1';
const ACCOUNT = 'ca_shared';

describe.skipIf(!redis)('dispatchers sharing redis limits', () => {
  let store: Store;
  let queue: JobQueue;
  let provider: Awaited<ReturnType<typeof startServer>>;
  let prefix: string;
  /** When each request reached the provider. */
  let arrivals: number[];
  const http = new HttpClient();
  const running: Dispatcher[] = [];

  beforeEach(async () => {
    ({ store, queue } = createSqliteBackend({
      path: ':memory:',
      secrets: createSecretBox(randomBytes(32)),
      // No façade sends here: Omnigate's own callback bodies are all it queues.
      callbackPayloads: callbackPayloads({}),
    }));
    await store.tenants.ensure(TENANT, 'one');
    arrivals = [];
    provider = await startServer((_req, res, n) => {
      arrivals.push(Date.now());
      json(res, 200, { sentMessages: [{ id: String(n), quoteToken: 'q' }] });
    });
    prefix = redis!.newPrefix();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
    await provider.close();
    await store.close();
    await redis!.dropPrefix(prefix);
    await redis!.closeAll();
  });

  /** A worker named `name`: its requests arrive under /<name> at the provider. */
  function startWorker(name: string, limits: DeliveryLimits): void {
    const dispatcher = new Dispatcher({
      store,
      queue,
      connectors: CONNECTORS,
      http,
      baseUrlFor: () => `${provider.url}/${name}`,
      log: createLogger('silent'),
      idleMs: 20,
      backoff: { baseMs: 20, capMs: 100 },
      limits,
    });
    dispatcher.start();
    running.push(dispatcher);
  }

  async function accept(count: number, limits: AccountLimits): Promise<string[]> {
    await store.channelAccounts.create(TENANT, {
      id: ACCOUNT,
      channel: 'line',
      name: 'shared',
      sandbox: false,
      credentials: { channelAccessToken: 'token', channelSecret: 'secret' },
      limits,
    });
    const ids = Array.from({ length: count }, () => newId('msg'));
    await store.messages.accept({
      tenantId: TENANT,
      acceptedAt: new Date().toISOString(),
      channel: 'line',
      channelAccountId: ACCOUNT,
      content: { type: 'text', text: 'hi' },
      recipients: ids.map((id) => ({
        id,
        to: LINE_USER,
        request: {
          method: 'POST' as const,
          path: '/v2/bot/message/push',
          body: { to: LINE_USER, messages: [{ type: 'text', text: 'hi' }] },
        },
        degradations: [],
      })),
    });
    return ids;
  }

  async function waitUntilAll(ids: string[], status: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const messages = await Promise.all(ids.map((id) => store.messages.get(TENANT, id)));
      if (messages.every((m) => m?.status === status)) return;
      if (Date.now() > until) {
        const seen = messages.map((m) => m?.status).join(',');
        throw new Error(`not all ${status} after ${timeoutMs} ms: ${seen}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Accepts 90 messages for one account limited to 40/s, runs both workers, and times arrivals. */
  async function runBoth(
    limitsFor: (name: string) => DeliveryLimits,
  ): Promise<{ rate: number; burst: number }> {
    const rate = 40;
    const burst = 2;
    const ids = await accept(90, { ratePerSecond: rate, burst });
    startWorker('a', limitsFor('a'));
    startWorker('b', limitsFor('b'));
    await waitUntilAll(ids, 'sent', 15_000);
    expect(arrivals).toHaveLength(ids.length);
    return { rate, burst };
  }

  it("holds one account's rate at the provider across both dispatchers", async () => {
    const { rate, burst } = await runBoth(() => createRedisLimits({ redis: redis!.connect(), prefix }));
    // How many each worker sends is not the point: one that meets the shared bucket empty holds the
    // account and stops claiming it, so one may send nearly all. The next test shows that the same
    // two workers, each with limits of its own, send at once and overrun the rate.
    // Over the run, beyond the burst, no more than the rate. Arrivals are timed where the fake
    // provider sees them: a stall that delays the first arrivals more than the last shortens the
    // measured span, so a loaded machine gets a margin.
    expect(perSecond(arrivals, burst)).toBeLessThanOrEqual(rate * 1.2);
    // Any second holds the burst and a second's refill, plus what a stall bunched together: on a
    // loaded shared machine sends held up by a few hundred ms land in the same second as those
    // due after them.
    expect(windowMax(arrivals, 1_000)).toBeLessThanOrEqual((burst + rate) * 1.5);
  });

  it('overruns the rate with limits per process, which is what the shared ones prevent', async () => {
    const { rate } = await runBoth(() => createMemoryLimits());
    const by = (name: string) => provider.received.filter((r) => r.url.startsWith(`/${name}/`)).length;
    expect(by('a')).toBeGreaterThan(10);
    expect(by('b')).toBeGreaterThan(10);
    expect(perSecond(arrivals, 0)).toBeGreaterThan(rate * 1.5);
  });

  it('keeps messages queued, untouched, while the limits are unreachable, and sends them after', async () => {
    const ids = await accept(5, {});
    const target = new URL(redis!.url);
    const gate = await startTcpGate(target.hostname, Number(target.port || 6379));
    await gate.close();
    const connection = new Redis(`redis://127.0.0.1:${gate.port}`, {
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    connection.on('error', () => undefined);
    try {
      startWorker('a', createRedisLimits({ redis: connection, prefix }));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(provider.received).toHaveLength(0);
      // Not claimed at all: a message marked sending that cannot be sent would read as in flight.
      for (const id of ids) {
        const message = await store.messages.get(TENANT, id);
        expect(message?.status).toBe('queued');
        expect(message?.attempts).toBe(0);
      }

      await gate.open();
      await waitUntilAll(ids, 'sent', 10_000);
      expect(provider.received).toHaveLength(ids.length);
      for (const id of ids) expect((await store.messages.get(TENANT, id))?.attempts).toBe(1);
    } finally {
      await Promise.all(running.splice(0).map((d) => d.stop()));
      connection.disconnect();
      await gate.close();
    }
  });
});
/** Arrivals per second from the first to the last, not counting `free` of them (a burst). */
function perSecond(times: number[], free: number): number {
  const span = ((times.at(-1) as number) - (times[0] as number)) / 1000;
  return (times.length - free) / span;
}
function windowMax(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
