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

describe.each(BACKENDS)('queue fairness: $name', (factory) => {
  let store: Store;
  let queue: JobQueue;
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');

  beforeEach(async () => {
    ({ store, queue } = await factory.create());
    for (const t of ['ta', 'tb', 'tc']) await store.tenants.ensure(t, t);
  });
  afterEach(async () => store.close());

  /** Queues `n` messages of one batch (bulk by default when n > 1), `at` ms after t0. */
  const queueBatch = async (
    tenantId: string,
    account: string,
    n: number,
    at = 0,
    lane?: 'priority' | 'bulk',
  ): Promise<string[]> => {
    const ids = Array.from({ length: n }, () => newId('msg'));
    await store.messages.accept({
      tenantId,
      acceptedAt: new Date(t0 + at).toISOString(),
      channel: 'line',
      channelAccountId: account,
      content: {},
      ...(lane ? { lane } : {}),
      recipients: ids.map((id, i) => ({
        id,
        to: `U${i}`,
        request: { method: 'POST' as const, path: '/', body: {} },
        degradations: [],
      })),
    });
    return ids;
  };
  const accountsOf = (jobs: ReadonlyArray<{ tenantId: string; channelAccountId: string }>) =>
    jobs.map((j) => `${j.tenantId}/${j.channelAccountId}`);
  const count = (keys: string[]) => {
    const counts: Record<string, number> = {};
    for (const k of keys) counts[k] = (counts[k] ?? 0) + 1;
    return counts;
  };

  it('claims a single send, and a batch marked priority, before an older bulk backlog', async () => {
    await queueBatch('ta', 'ca_big', 50);
    const [single] = await queueBatch('tb', 'ca_b', 1, 10);
    const urgent = await queueBatch('ta', 'ca_big', 2, 20, 'priority');
    const first = await queue.claim(new Date(t0 + 30), 3, 60_000);
    expect(first.map((j) => j.messageId).sort()).toEqual([single, ...urgent].sort());
    // Within the lane each account's jobs go oldest first, whoever queued them.
    const rest = await queue.claim(new Date(t0 + 30), 50, 60_000);
    expect(rest).toHaveLength(50);
  });

  it('shares a claim round robin across tenants, then across accounts within a tenant', async () => {
    await queueBatch('ta', 'ca_a1', 40);
    await queueBatch('ta', 'ca_a2', 40);
    await queueBatch('tb', 'ca_b1', 40);
    await queueBatch('tc', 'ca_c1', 2);
    const claimed = await queue.claim(new Date(t0), 12, 60_000);
    // Three tenants share twelve: tc has only two, so ta and tb take five each, and ta's five
    // alternate between its two accounts.
    const shares = count(accountsOf(claimed));
    expect(shares['tc/ca_c1']).toBe(2);
    expect(shares['tb/ca_b1']).toBe(5);
    expect((shares['ta/ca_a1'] ?? 0) + (shares['ta/ca_a2'] ?? 0)).toBe(5);
    expect(Math.abs((shares['ta/ca_a1'] ?? 0) - (shares['ta/ca_a2'] ?? 0))).toBe(1);
    // A claim smaller than the number of tenants reaches each in turn.
    const turns = [];
    for (let i = 0; i < 4; i++) turns.push(...accountsOf(await queue.claim(new Date(t0), 1, 60_000)));
    expect(new Set(turns.slice(0, 2).map((k) => k.split('/')[0]))).toEqual(new Set(['ta', 'tb']));
    expect(new Set(turns.filter((k) => k.startsWith('ta/')))).toEqual(new Set(['ta/ca_a1', 'ta/ca_a2']));
  });

  it('takes each account oldest-due first', async () => {
    const older = await queueBatch('ta', 'ca_a1', 3, 0);
    await queueBatch('ta', 'ca_a1', 3, 100);
    const claimed = await queue.claim(new Date(t0 + 200), 3, 60_000);
    expect(claimed.map((j) => j.messageId).sort()).toEqual([...older].sort());
  });

  it('leaves a held account untouched and keeps to the cap of a narrow one', async () => {
    const held = await queueBatch('ta', 'ca_held', 20);
    await queueBatch('ta', 'ca_narrow', 20);
    await queueBatch('tb', 'ca_free', 20);
    const accountCaps = new Map([
      ['ca_held', 0],
      ['ca_narrow', 2],
    ]);
    const claimed = await queue.claim(new Date(t0), 30, 60_000, { accountCaps });
    const shares = count(accountsOf(claimed));
    expect(shares['ta/ca_held']).toBeUndefined();
    expect(shares['ta/ca_narrow']).toBe(2);
    expect(shares['tb/ca_free']).toBe(20);
    // Only held accounts' jobs are due, so for a claim that leaves them alone nothing is.
    const bothHeld = { accountCaps: new Map([...accountCaps, ['ca_narrow', 0]]) };
    expect(await queue.nextDueInMs(new Date(t0), bothHeld)).toBe(60_000);
    expect(await queue.claim(new Date(t0), 30, 60_000, bothHeld)).toEqual([]);
    expect(await queue.nextDueInMs(new Date(t0))).toBe(0);
    // Their rows were never touched: the first claim without the hold counts their first attempt.
    const later = await queue.claim(new Date(t0), 50, 60_000);
    expect(later.filter((j) => held.includes(j.messageId)).every((j) => j.attempts === 1)).toBe(true);
    expect(later.filter((j) => held.includes(j.messageId))).toHaveLength(20);
  });

  it('stays cheap with a large backlog behind one account', async () => {
    for (let i = 0; i < 10; i++) await queueBatch('ta', 'ca_big', 1000, i);
    const [single] = await queueBatch('tb', 'ca_b', 1, 100);
    const started = performance.now();
    const claimed = await queue.claim(new Date(t0 + 200), 32, 60_000);
    const ms = performance.now() - started;
    expect(claimed.map((j) => j.messageId)).toContain(single);
    expect(ms).toBeLessThan(500);
  });
});
