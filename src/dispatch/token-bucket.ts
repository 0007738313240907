/**
 * A token bucket per channel account: `ratePerSecond` sustained, bursts up to `burst`. In the
 * embedded mode limits live in memory; the scale-out mode shares them through Redis.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /**
   * Reserves a token and returns how many ms the caller must wait before using it (0: now). The
   * balance may go negative: concurrent callers then queue up behind each other instead of all
   * waiting for the same next token and sending together.
   */
  take(now: number, maxWaitMs = Number.POSITIVE_INFINITY): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    const left = this.tokens - 1;
    const wait = left >= 0 ? 0 : Math.ceil((-left / this.ratePerSecond) * 1000);
    // Beyond `maxWaitMs` nothing is reserved (DeliveryLimits.takeToken).
    if (wait <= maxWaitMs) this.tokens = left;
    return wait;
  }

  /** Whether the bucket has refilled completely, i.e. forgetting it would change nothing. */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.last) / 1000) * this.ratePerSecond >= this.burst;
  }

  /** Gives back a reserved token that will not be used now (the job went back to the queue). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }
}
