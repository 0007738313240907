import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobQueue } from '../../src/core/ports/queue.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { newId } from '../../src/lib/ids.ts';
import { BACKENDS } from '../support/backends.ts';

describe.each(BACKENDS)('queue conformance: $name', (factory) => {
  let store: Store;
  let queue: JobQueue;
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const ids: string[] = [];

  beforeEach(async () => {
    ({ store, queue } = await factory.create());
    await store.tenants.ensure('t1', 'one');
    ids.length = 0;
    for (let i = 0; i < 3; i++) ids.push(newId('msg'));
    await store.messages.accept({
      tenantId: 't1',
      acceptedAt: new Date(t0).toISOString(),
      channel: 'line',
      channelAccountId: 'ca_1',
      content: {},
      recipients: ids.map((id) => ({
        id,
        to: 'U1',
        request: { method: 'POST' as const, path: '/', body: {} },
        degradations: [],
      })),
    });
  });
  afterEach(async () => store.close());

  /** The claimed jobs' requests are about to be written (what the dispatcher does just before). */
  const begin = (jobs: ReadonlyArray<{ messageId: string; attempts: number }>) =>
    store.messages.beginAttempts(
      new Date(t0).toISOString(),
      jobs.map((j) => ({ tenantId: 't1', messageId: j.messageId, attempt: j.attempts })),
    );

  it('releases the leases of a dead owner: due at once, and seen as interrupted', async () => {
    await begin(await queue.claim(new Date(t0), 10, 60_000));
    expect(await queue.claim(new Date(t0 + 1), 10, 60_000)).toEqual([]);
    expect(await queue.releaseLeases(new Date(t0 + 1))).toBe(3);
    const again = await queue.claim(new Date(t0 + 1), 10, 60_000);
    expect(again).toHaveLength(3);
    expect(again.every((j) => j.interrupted && j.attempts === 2)).toBe(true);
  });

  it('claims each due job once per lease and counts the attempt', async () => {
    const first = await queue.claim(new Date(t0), 10, 1000);
    expect(first.map((j) => j.messageId).sort()).toEqual([...ids].sort());
    expect(first.every((j) => j.attempts === 1 && !j.interrupted)).toBe(true);
    expect(await queue.claim(new Date(t0 + 999), 10, 1000)).toEqual([]);
  });

  it('hands a job whose lease ran out to the next claimer, marked interrupted', async () => {
    await begin(await queue.claim(new Date(t0), 1, 1000));
    const again = await queue.claim(new Date(t0 + 1000), 3, 1000);
    const reclaimed = again.find((j) => j.attempts === 2);
    expect(reclaimed?.interrupted).toBe(true);
  });

  it('does not mark interrupted a claim that died before it began writing its request', async () => {
    await queue.claim(new Date(t0), 10, 60_000);
    expect(await queue.releaseLeases(new Date(t0 + 1))).toBe(3);
    const again = await queue.claim(new Date(t0 + 1), 10, 60_000);
    // Nor does it use up an attempt: the provider never saw it.
    expect(again.map((j) => [j.attempts, j.interrupted])).toEqual([
      [1, false],
      [1, false],
      [1, false],
    ]);
    // Begun, then dead: the next claim is interrupted, and so is the one after it if that one dies
    // before recording anything; an outcome recorded (retryAt) ends it.
    await begin(again);
    const third = await queue.claim(new Date(t0 + 60_002), 10, 60_000);
    expect(third.every((j) => j.interrupted)).toBe(true);
    const fourth = await queue.claim(new Date(t0 + 120_003), 10, 60_000);
    expect(fourth.every((j) => j.interrupted && j.attempts === 3)).toBe(true);
    for (const j of fourth) await queue.retryAt(j.messageId, new Date(t0 + 120_004), { countAttempt: true });
    const fifth = await queue.claim(new Date(t0 + 120_004), 10, 60_000);
    expect(fifth.every((j) => !j.interrupted && j.attempts === 4)).toBe(true);
  });

  it('acks remove jobs; retries make them due later, with or without using an attempt', async () => {
    const [a, b, c] = await queue.claim(new Date(t0), 3, 1000);
    await queue.ack(a!.messageId);
    await queue.retryAt(b!.messageId, new Date(t0 + 5000), { countAttempt: false });
    await queue.retryAt(c!.messageId, new Date(t0 + 5000), { countAttempt: true, lastError: 'HTTP 503' });
    expect(await queue.claim(new Date(t0 + 4999), 10, 1000)).toEqual([]);
    expect(await queue.nextDueInMs(new Date(t0))).toBe(5000);
    const later = await queue.claim(new Date(t0 + 5000), 10, 1000);
    const attempts = Object.fromEntries(later.map((j) => [j.messageId, j]));
    expect(attempts[b!.messageId]).toMatchObject({ attempts: 1, interrupted: false });
    expect(attempts[c!.messageId]).toMatchObject({ attempts: 2, interrupted: false });
    expect(attempts[a!.messageId]).toBeUndefined();
  });

  it('hands each due job to one claimer when workers claim at once', async () => {
    const claims = await Promise.all([1, 2, 3].map(() => queue.claim(new Date(t0), 2, 60_000)));
    const claimed = claims.flat().map((j) => j.messageId);
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(await queue.depth(new Date(t0))).toBe(0);
    expect(await queue.nextDueInMs(new Date(t0))).toBe(60_000);
  });
});
