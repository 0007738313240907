/**
 * Per-recipient pacing: one token bucket per (channel account, recipient), created on first use
 * and forgotten once it has refilled, so memory follows the recipients currently being written
 * to, not every recipient ever seen.
 */
import { TokenBucket } from './token-bucket.ts';

/** Look for buckets to forget after this many new ones. */
const SWEEP_EVERY = 10_000;

export class RecipientPacer {
  private readonly buckets = new Map<string, TokenBucket>();
  private createdSinceSweep = 0;

  /** Reserves a send to `recipient`; returns the wait in ms (0: now). */
  take(
    accountId: string,
    recipient: string,
    limit: { perSecond: number; burst: number },
    now: number,
  ): number {
    const key = `${accountId}\u0000${recipient}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (++this.createdSinceSweep >= SWEEP_EVERY) this.sweep(now);
      bucket = new TokenBucket(limit.perSecond, limit.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.createdSinceSweep = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
