import { describe, expect, it } from 'vitest';
import { RecipientPacer } from '../../src/dispatch/recipient-pacer.ts';

describe('recipient pacer', () => {
  const limit = { perSecond: 1, burst: 2 };

  it('lets a burst through, then spaces sends to one recipient, independently of others', () => {
    const pacer = new RecipientPacer();
    expect(pacer.take('ca', 'u1', limit, 0)).toBe(0);
    expect(pacer.take('ca', 'u1', limit, 0)).toBe(0);
    expect(pacer.take('ca', 'u1', limit, 0)).toBe(1000);
    expect(pacer.take('ca', 'u1', limit, 0)).toBe(2000);
    expect(pacer.take('ca', 'u2', limit, 0)).toBe(0);
    // The same person on another account is another pair.
    expect(pacer.take('cb', 'u1', limit, 0)).toBe(0);
  });

  it('forgets recipients whose bucket has refilled, so memory follows current traffic', () => {
    const pacer = new RecipientPacer();
    for (let i = 0; i < 9_999; i++) pacer.take('ca', `u${i}`, limit, 0);
    expect(pacer.size).toBe(9_999);
    // Ten thousand buckets later, everything idle for 2 s (a full refill) is swept.
    pacer.take('ca', 'late', limit, 5_000);
    expect(pacer.size).toBe(1);
  });
});
