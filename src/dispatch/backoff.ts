/**
 * Retry delays: exponential with full jitter (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): sleep = random(0, min(cap, base * 2^attempt)). Full jitter spreads a burst of failures
 * so the retries do not hit the provider again in lockstep.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 };

export function fullJitterDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
