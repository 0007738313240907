/**
 * Delivery limits in process memory: the embedded gateway's, where one process is every worker.
 * Built from the classes the dispatcher used directly before the port existed, with the same
 * behaviour.
 */
import { type BreakerPolicy, CircuitBreaker, DEFAULT_BREAKER } from '../circuit-breaker.ts';
import { RecipientPacer } from '../recipient-pacer.ts';
import { TokenBucket } from '../token-bucket.ts';
import type { DeliveryLimits, RateLimit, Slot } from './types.ts';

export interface MemoryLimitsOptions {
  breaker?: BreakerPolicy;
  /** The clock, in ms (the dispatcher's, so a test clock moves the limits too). */
  now?: () => number;
}

/** In memory a slot is only a count; the handle carries nothing. */
const SLOT: Slot = 'memory';

export function createMemoryLimits(options: MemoryLimitsOptions = {}): DeliveryLimits {
  const now = options.now ?? Date.now;
  const policy = options.breaker ?? DEFAULT_BREAKER;
  /** Per account, keyed by the limit it was made for, so a changed limit gets a new bucket. */
  const buckets = new Map<string, { key: string; bucket: TokenBucket }>();
  const pacer = new RecipientPacer();
  /** Recipient turns kept for messages sent back to the queue to wait for them. */
  const turns = new Map<string, number>();
  const breakers = new Map<string, CircuitBreaker>();
  const inFlight = new Map<string, number>();

  const bucketFor = (accountId: string, limit: RateLimit): TokenBucket => {
    const key = `${limit.perSecond}/${limit.burst}`;
    const current = buckets.get(accountId);
    if (current && current.key === key) return current.bucket;
    const bucket = new TokenBucket(limit.perSecond, limit.burst, now());
    buckets.set(accountId, { key, bucket });
    return bucket;
  };
  const breakerFor = (accountId: string): CircuitBreaker => {
    let breaker = breakers.get(accountId);
    if (!breaker) {
      breaker = new CircuitBreaker(policy);
      breakers.set(accountId, breaker);
    }
    return breaker;
  };

  return {
    async takeToken(accountId, limit, maxWaitMs) {
      return bucketFor(accountId, limit).take(now(), maxWaitMs);
    },
    async refundToken(accountId, limit) {
      bucketFor(accountId, limit).refund();
    },
    async takeTurn(accountId, recipient, messageId, limit) {
      const at = now();
      const kept = turns.get(messageId);
      if (kept !== undefined) {
        turns.delete(messageId);
        return Math.max(0, kept - at);
      }
      return pacer.take(accountId, recipient, limit, at);
    },
    async keepTurn(_accountId, messageId, inMs) {
      turns.set(messageId, now() + inMs);
    },
    async admit(accountId) {
      return breakerFor(accountId).admit(now());
    },
    async openFor(accountId) {
      return breakerFor(accountId).openFor(now());
    },
    async succeeded(accountId) {
      breakerFor(accountId).succeeded();
    },
    async failed(accountId) {
      breakerFor(accountId).failed(now());
    },
    // Every account's sends are counted, limit or not, so a limit set while sends are in flight
    // sees them at once.
    async acquireSlot(accountId, max) {
      const current = inFlight.get(accountId) ?? 0;
      if (max !== undefined && current >= max) return undefined;
      inFlight.set(accountId, current + 1);
      return SLOT;
    },
    async releaseSlot(accountId) {
      inFlight.set(accountId, (inFlight.get(accountId) ?? 1) - 1);
    },
  };
}
