import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('lets a burst through, then spaces concurrent callers one token apart', () => {
    const bucket = new TokenBucket(10, 2, 0);
    expect([bucket.take(0), bucket.take(0)]).toEqual([0, 0]);
    // Four more callers at the same instant queue behind each other, 100 ms apart.
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([100, 200, 300, 400]);
  });

  it('refills at the rate, never above the burst, and takes refunds back', () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(0)).toBe(100);
    bucket.refund();
    expect(bucket.take(0)).toBe(100);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(0);
    expect(bucket.take(10_000)).toBe(100);
  });
});
