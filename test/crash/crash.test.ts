/**
 * Crash safety at CI size: a few SIGKILLs of the real server at seeded moments, then a drain.
 * `npm run crash -- --rounds 40 --seed N` runs the same scenario longer.
 */
import { describe, expect, it } from 'vitest';
import { crashViolations } from './checks.ts';
import { runCrashScenario } from './harness.ts';

describe('crash safety', () => {
  it.each([0, 3])(
    'loses nothing and duplicates only what the policy allows (seed %i)',
    async (seed) => {
      const report = await runCrashScenario({ seed, rounds: 3, messagesPerRound: 40 });
      expect(report.kills).toHaveLength(3);
      expect(report.submitted.length).toBe(120);
      expect(crashViolations(report)).toEqual([]);
    },
    120_000,
  );
});
