/**
 * Crash safety at CI size: a few SIGKILLs of the real server at seeded moments, then a drain.
 * `npm run crash -- --rounds 40 --seed N` runs the same scenario longer. In scale-out mode (when
 * PostgreSQL is reachable) one of two worker processes dies each round while the API and the other
 * worker carry on.
 */
import { describe, expect, it } from 'vitest';
import { POSTGRES } from '../support/backends.ts';
import { testRedis } from '../support/redis.ts';
import { crashFigures, crashViolations } from './checks.ts';
import { runCrashScenario } from './harness.ts';

const POSTGRES_URL = process.env.OMNIGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redis = await testRedis('scale-out crash suite');

describe('crash safety', () => {
  it.each([0, 3])(
    'loses nothing and duplicates only what the policy allows (seed %i)',
    async (seed) => {
      const report = await runCrashScenario({ seed, rounds: 3, messagesPerRound: 40 });
      expect(report.kills).toHaveLength(3);
      expect(report.submitted.length).toBe(120);
      expect(crashViolations(report)).toEqual([]);
      // Maybe-sent after the crashes is exactly what was in flight: each had reached the provider.
      const figures = crashFigures(report);
      expect(figures.maybeSentAfterCrash).toBe(figures.inFlightAtCrash);
    },
    120_000,
  );

  it('a crash while messages wait for their rate leaves none of them maybe sent', async () => {
    // Telegram at 1/s: the first message goes at once, the second waits a second for its turn
    // (inline), the rest go back to the queue. The process dies while the second waits: it must not
    // be maybe-sent, since its request never left.
    const report = await runCrashScenario({
      seed: 11,
      rounds: 1,
      messagesPerRound: 6,
      channels: ['telegram'],
      env: { OMNIGATE_TELEGRAM_RATE_PER_SECOND: '1' },
      killAfterMs: 750,
    });
    expect(crashViolations(report)).toEqual([]);
    const figures = crashFigures(report);
    expect(figures.maybeSentAfterCrash).toBe(figures.inFlightAtCrash);
    expect(figures.failedMaybeSent).toBe(0);
  }, 120_000);

  it.skipIf(POSTGRES === undefined || redis === undefined)(
    'scale-out: a worker killed mid-send leaves its work to the other, and nothing is lost or doubled',
    async () => {
      const report = await runCrashScenario({
        seed: 7,
        rounds: 3,
        messagesPerRound: 40,
        scaleOut: { adminUrl: POSTGRES_URL, ...(redis ? { redisUrl: redis.url } : {}) },
      });
      expect(report.kills).toHaveLength(3);
      expect(report.submitted.length).toBe(120);
      expect(crashViolations(report)).toEqual([]);
      const figures = crashFigures(report);
      expect(figures.maybeSentAfterCrash).toBe(figures.inFlightAtCrash);
    },
    180_000,
  );
});
