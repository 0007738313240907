/**
 * Delivery limits (src/dispatch/limits): one suite against the in-memory and the Redis
 * implementation, then what only Redis promises: two instances on two connections, as two worker
 * processes have, share one rate, one pace, one breaker and one set of in-flight slots. Times are
 * real (Redis reads its own clock), so waits are checked within a few milliseconds of the ideal.
 */
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BreakerPolicy } from '../../src/dispatch/circuit-breaker.ts';
import { createMemoryLimits } from '../../src/dispatch/limits/memory.ts';
import { createRedisLimits } from '../../src/dispatch/limits/redis.ts';
import type { DeliveryLimits, RateLimit } from '../../src/dispatch/limits/types.ts';
import { testRedis } from '../support/redis.ts';

const redis = await testRedis('redis limit suites');

const BREAKER: BreakerPolicy = { threshold: 3, cooldownMs: 150, maxCooldownMs: 300 };

interface LimitsFactory {
  name: string;
  /** Limits with fresh state, and how to forget them. */
  create(): Promise<{ limits: DeliveryLimits; close(): Promise<void> }>;
}

const FACTORIES: LimitsFactory[] = [
  {
    name: 'memory',
    async create() {
      return { limits: createMemoryLimits({ breaker: BREAKER }), close: async () => undefined };
    },
  },
  ...(redis
    ? [
        {
          name: 'redis',
          async create() {
            const prefix = redis.newPrefix();
            return {
              limits: createRedisLimits({ redis: redis.connect(), prefix, breaker: BREAKER }),
              async close() {
                await redis.dropPrefix(prefix);
                await redis.closeAll();
              },
            };
          },
        },
      ]
    : []),
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A wait handed out `expected` ms ahead: time passing between the calls only shortens it, by no
 * more than `slack`; the 1 allows for rounding up a wait computed in fractional milliseconds.
 */
function expectNear(actual: number | undefined, expected: number, slack = 40): void {
  expect(actual).toBeLessThanOrEqual(expected + 1);
  expect(actual).toBeGreaterThan(expected - slack);
}

const times = <T>(n: number, make: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));

describe.each(FACTORIES)('delivery limits conformance: $name', (factory) => {
  let limits: DeliveryLimits;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ limits, close } = await factory.create());
  });
  afterEach(async () => close());

  it('reserves account tokens: a burst at once, then concurrent takers one interval apart', async () => {
    const rate = { perSecond: 10, burst: 2 };
    const waits = await times(6, () => limits.takeToken('ca_1', rate));
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    for (let i = 2; i < 6; i++) expectNear(waits[i], (i - 1) * 100);
  });

  it('reserves nothing beyond maxWaitMs: a hundred concurrent takers book two tokens, not a hundred', async () => {
    const one = { perSecond: 1, burst: 1 };
    const waits = await times(100, () => limits.takeToken('ca_1', one, 1_000));
    expect(waits[0]).toBe(0);
    expectNear(waits[1], 1_000);
    // The rest were not booked: each was told of the next free token, two seconds out.
    for (const w of waits.slice(2)) expectNear(w, 2_000);
    // So the third token is still free: the next taker without a bound books it.
    expectNear(await limits.takeToken('ca_1', one), 2_000);
    expectNear(await limits.takeToken('ca_1', one, 1_000), 3_000);
  });

  it('takes a refunded token back, never beyond the burst', async () => {
    const rate = { perSecond: 10, burst: 2 };
    await times(3, () => limits.refundToken('ca_1', rate)); // a full bucket stays at its burst
    expect(await times(2, () => limits.takeToken('ca_1', rate))).toEqual([0, 0]);
    expectNear(await limits.takeToken('ca_1', rate), 100);
    await limits.refundToken('ca_1', rate);
    // The refunded reservation is the next one handed out, not one behind it.
    expectNear(await limits.takeToken('ca_1', rate), 100);
    expectNear(await limits.takeToken('ca_1', rate), 200);
  });

  it('holds rates slower than one a second: one per 6 s, 100 an hour', async () => {
    const whatsappUser = { perSecond: 1 / 6, burst: 1 };
    expect(await limits.takeToken('ca_slow', whatsappUser)).toBe(0);
    expectNear(await limits.takeToken('ca_slow', whatsappUser), 6_000);
    const viberUser = { perSecond: 100 / 3600, burst: 100 };
    const turns = await times(101, (i) => limits.takeTurn('ca_viber', 'u1', `msg_${i}`, viberUser));
    expect(turns.slice(0, 100).every((w) => w === 0)).toBe(true);
    expectNear(turns[100], 36_000);
  });

  it('keeps accounts apart, and recipients apart within and across accounts', async () => {
    const one = { perSecond: 1, burst: 1 };
    expect(await limits.takeToken('ca_1', one)).toBe(0);
    expectNear(await limits.takeToken('ca_1', one), 1_000);
    expect(await limits.takeToken('ca_2', one)).toBe(0);
    expect(await limits.takeTurn('ca_1', 'u1', 'msg_1', one)).toBe(0);
    expectNear(await limits.takeTurn('ca_1', 'u1', 'msg_2', one), 1_000);
    expect(await limits.takeTurn('ca_1', 'u2', 'msg_3', one)).toBe(0);
    expect(await limits.takeTurn('ca_2', 'u1', 'msg_4', one)).toBe(0);
  });

  it('keeps a turn for the message that goes back to wait for it, usable once', async () => {
    const pace = { perSecond: 5, burst: 1 };
    expect(await limits.takeTurn('ca_1', 'u1', 'msg_1', pace)).toBe(0);
    const wait = await limits.takeTurn('ca_1', 'u1', 'msg_2', pace);
    expectNear(wait, 200);
    await limits.keepTurn('ca_1', 'msg_2', wait);
    // The kept turn stays taken: the next message queues behind it.
    expectNear(await limits.takeTurn('ca_1', 'u1', 'msg_3', pace), 400);
    expectNear(await limits.takeTurn('ca_1', 'u1', 'msg_2', pace), wait);
    // Used: asking again reserves a new turn, behind msg_3.
    expectNear(await limits.takeTurn('ca_1', 'u1', 'msg_2', pace), 600);
  });

  it('opens the breaker after consecutive failures and lets one probe through after the cool-down', async () => {
    await limits.failed('ca_1');
    await limits.failed('ca_1');
    await limits.succeeded('ca_1'); // a success in between resets the count
    await limits.failed('ca_1');
    await limits.failed('ca_1');
    expect(await limits.admit('ca_1')).toBe(0);
    expect(await limits.openFor('ca_1')).toBe(0);
    await limits.failed('ca_1');
    expectNear(await limits.admit('ca_1'), 150);
    expectNear(await limits.openFor('ca_1'), 150);
    expect(await limits.admit('ca_2')).toBe(0);
    await sleep(170);
    expect(await limits.admit('ca_1')).toBe(0); // the probe
    expect(await limits.admit('ca_1')).toBeGreaterThan(0); // only one at a time
    expect(await limits.openFor('ca_1')).toBeGreaterThan(0);
    await limits.succeeded('ca_1');
    expect(await limits.admit('ca_1')).toBe(0);
    expect(await limits.openFor('ca_1')).toBe(0);
  });

  it('doubles the cool-down after a failed probe up to the maximum, and replaces a silent probe', async () => {
    for (let i = 0; i < 3; i++) await limits.failed('ca_1');
    await sleep(170);
    expect(await limits.admit('ca_1')).toBe(0);
    await limits.failed('ca_1');
    expectNear(await limits.openFor('ca_1'), 300);
    await limits.failed('ca_1'); // a send admitted before it opened: changes nothing
    expectNear(await limits.openFor('ca_1'), 300, 60);
    await sleep(320);
    expect(await limits.admit('ca_1')).toBe(0);
    expect(await limits.admit('ca_1')).toBeGreaterThan(0);
    // That probe never reports back (its worker died): another goes after one cool-down.
    await sleep(320);
    expect(await limits.admit('ca_1')).toBe(0);
    await limits.failed('ca_1');
    expectNear(await limits.openFor('ca_1'), 300); // capped at the maximum, not 600
  });

  it('counts in-flight slots against the account limit', async () => {
    const first = await limits.acquireSlot('ca_1', 2);
    const second = await limits.acquireSlot('ca_1', 2);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(await limits.acquireSlot('ca_1', 2)).toBeUndefined();
    expect(await limits.acquireSlot('ca_2', 2)).toBeDefined();
    await limits.releaseSlot('ca_1', first as string);
    expect(await limits.acquireSlot('ca_1', 2)).toBeDefined();
    expect(await limits.acquireSlot('ca_1', 2)).toBeUndefined();
    // An account without a limit always gets a slot.
    const free = await times(5, () => limits.acquireSlot('ca_3', undefined));
    expect(free.every((s) => s !== undefined)).toBe(true);
  });
});

describe.skipIf(!redis)('delivery limits shared through redis', () => {
  let prefix: string;
  let connections: Redis[];
  /** Two workers' limits: the same prefix, each over its own connection. */
  let a: DeliveryLimits;
  let b: DeliveryLimits;
  const open = (slotTtlMs?: number) => {
    const connection = redis!.connect();
    connections.push(connection);
    return createRedisLimits({
      redis: connection,
      prefix,
      breaker: BREAKER,
      ...(slotTtlMs !== undefined ? { slotTtlMs } : {}),
    });
  };
  beforeEach(() => {
    prefix = redis!.newPrefix();
    connections = [];
    a = open();
    b = open();
  });
  afterEach(async () => {
    await redis!.dropPrefix(prefix);
    await redis!.closeAll();
  });

  it('queues concurrent takers of both workers one interval apart on one account rate', async () => {
    const rate = { perSecond: 50, burst: 2 };
    const waits = await times(20, (i) => (i % 2 === 0 ? a : b).takeToken('ca_1', rate));
    const sorted = [...waits].sort((x, y) => x - y);
    // Unshared, each worker would hand out its own burst and stop at 9 intervals.
    expect(sorted.slice(0, 3)).toEqual([0, 0, expect.any(Number)]);
    for (let i = 2; i < 20; i++) expectNear(sorted[i], (i - 1) * 20);
  });

  it("holds one account's rate over a measured interval, however many workers take", async () => {
    const rate: RateLimit = { perSecond: 40, burst: 4 };
    const intervalMs = 1_500;
    const start = Date.now();
    const end = start + intervalMs;
    const grants: number[] = [];
    // Each worker behaves as the dispatcher does: reserve, wait the answer out, send.
    const worker = async (limits: DeliveryLimits) => {
      while (Date.now() < end) {
        const wait = await limits.takeToken('ca_1', rate);
        if (wait > 0) await sleep(wait);
        grants.push(Date.now());
      }
    };
    await Promise.all([worker(a), worker(b), worker(a), worker(b)]);
    const within = grants.filter((t) => t <= end).sort((x, y) => x - y);
    const allowed = rate.burst + (rate.perSecond * intervalMs) / 1000; // 64; unshared, twice that
    // +1: Node's timers may fire up to a millisecond before Date.now() says they are due.
    expect(within.length).toBeLessThanOrEqual(allowed + 1);
    expect(within.length).toBeGreaterThanOrEqual(allowed * 0.8);
    // Any sliding second: the burst and a second's refill, plus what a stalled event loop bunched
    // together (timers fire late, never early); the count above is the strict check.
    expect(windowMax(within, 1_000)).toBeLessThanOrEqual((rate.burst + rate.perSecond) * 1.5);
  });

  it("holds one recipient's pace, and a turn kept by one worker is used by the other", async () => {
    const whatsappUser = { perSecond: 1 / 6, burst: 1 };
    expect(await a.takeTurn('ca_1', 'u1', 'msg_1', whatsappUser)).toBe(0);
    const wait = await b.takeTurn('ca_1', 'u1', 'msg_2', whatsappUser);
    expectNear(wait, 6_000);
    await b.keepTurn('ca_1', 'msg_2', wait); // b sends msg_2 back to the queue
    expectNear(await a.takeTurn('ca_1', 'u1', 'msg_2', whatsappUser), 6_000); // a claims it
    expectNear(await b.takeTurn('ca_1', 'u1', 'msg_2', whatsappUser), 12_000); // used once
    expect(await b.takeTurn('ca_1', 'u2', 'msg_3', whatsappUser)).toBe(0);
  });

  it('shares one breaker: failures add up, opened through one is open through the other, one probe', async () => {
    await a.failed('ca_1');
    await b.failed('ca_1');
    expect(await a.admit('ca_1')).toBe(0);
    await a.failed('ca_1'); // the third consecutive failure, across workers
    expectNear(await b.admit('ca_1'), 150);
    expectNear(await b.openFor('ca_1'), 150);
    await sleep(170);
    const admitted = await times(20, (i) => (i % 2 === 0 ? a : b).admit('ca_1'));
    expect(admitted.filter((w) => w === 0)).toHaveLength(1);
    await b.failed('ca_1'); // the probe failed
    expectNear(await a.openFor('ca_1'), 300);
    await sleep(320);
    const again = await times(6, (i) => (i % 2 === 0 ? a : b).admit('ca_1'));
    expect(again.filter((w) => w === 0)).toHaveLength(1);
    await a.succeeded('ca_1');
    expect(await b.admit('ca_1')).toBe(0);
    expect(await b.openFor('ca_1')).toBe(0);
  });

  it("shares the account's in-flight slots, and a dead worker's slot lapses", async () => {
    const slots = await times(10, (i) => (i % 2 === 0 ? a : b).acquireSlot('ca_1', 3));
    const held = slots.flatMap((s, i) => (s === undefined ? [] : [{ slot: s, by: i % 2 === 0 ? a : b }]));
    expect(held).toHaveLength(3);
    const [first] = held;
    await first!.by.releaseSlot('ca_1', first!.slot);
    expect(await (first!.by === a ? b : a).acquireSlot('ca_1', 3)).toBeDefined();
    expect(await a.acquireSlot('ca_1', 3)).toBeUndefined();

    const dying = open(200);
    const survivor = open(200);
    for (let i = 0; i < 2; i++) expect(await dying.acquireSlot('ca_2', 2)).toBeDefined();
    expect(await survivor.acquireSlot('ca_2', 2)).toBeUndefined();
    await sleep(250); // `dying` never releases: its slots lapse
    expect(await survivor.acquireSlot('ca_2', 2)).toBeDefined();
  });

  it('lets every key expire, and forgets state that no longer limits anything', async () => {
    const fast = { perSecond: 100, burst: 1 };
    await a.takeToken('ca_1', fast);
    await a.takeToken('ca_1', { perSecond: 1, burst: 1 });
    await a.takeTurn('ca_1', 'u1', 'msg_1', { perSecond: 1 / 6, burst: 1 });
    await a.keepTurn('ca_1', 'msg_2', 6_000);
    await a.failed('ca_1');
    await a.acquireSlot('ca_1', 2);
    const connection = connections[0]!;
    const keys = await redis!.keys(prefix);
    expect(keys.length).toBeGreaterThanOrEqual(5);
    for (const key of keys) expect(await connection.pttl(key), key).toBeGreaterThan(0);

    // A refilled bucket is gone; so is a breaker that closed, and a bucket refunded to full.
    await b.takeToken('ca_2', fast);
    expect(await redis!.keys(`${prefix}{ca_2}`)).toHaveLength(1);
    await sleep(30);
    expect(await redis!.keys(`${prefix}{ca_2}`)).toHaveLength(0);
    await b.succeeded('ca_1');
    expect(await redis!.keys(`${prefix}{ca_1}:breaker`)).toHaveLength(0);
    await b.takeToken('ca_3', { perSecond: 1, burst: 2 });
    await b.refundToken('ca_3', { perSecond: 1, burst: 2 });
    expect(await redis!.keys(`${prefix}{ca_3}`)).toHaveLength(0);
  });
});

function windowMax(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
