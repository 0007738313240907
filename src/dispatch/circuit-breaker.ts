/**
 * A circuit breaker per provider account. After `threshold` consecutive failures that say the
 * provider is in trouble (5xx, timeouts, refused connections) it opens: sends to that account
 * wait, without using up attempts, instead of hammering a provider that is down and burning every
 * message's retry budget. After a cool-down one probe goes through (half-open); its success closes
 * the breaker, its failure opens it again for twice as long, up to `maxCooldownMs`.
 */
export interface BreakerPolicy {
  threshold: number;
  cooldownMs: number;
  maxCooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { threshold: 5, cooldownMs: 5_000, maxCooldownMs: 300_000 };

type State =
  | { kind: 'closed'; failures: number }
  | { kind: 'open'; until: number; cooldownMs: number }
  | { kind: 'half_open'; cooldownMs: number; probeSince: number };

export class CircuitBreaker {
  private state: State = { kind: 'closed', failures: 0 };

  constructor(private readonly policy: BreakerPolicy = DEFAULT_BREAKER) {}

  /**
   * 0 when a send may go now; otherwise how long to wait. While half-open only the probe goes;
   * a probe that never reports back (its worker died) is replaced after one cool-down.
   */
  admit(now: number): number {
    const s = this.state;
    if (s.kind === 'closed') return 0;
    if (s.kind === 'open') {
      if (now < s.until) return s.until - now;
      this.state = { kind: 'half_open', cooldownMs: s.cooldownMs, probeSince: now };
      return 0;
    }
    if (now - s.probeSince >= s.cooldownMs) {
      this.state = { ...s, probeSince: now };
      return 0;
    }
    return s.cooldownMs;
  }

  /** How long until the breaker admits a send again (0 when closed); no state change. */
  openFor(now: number): number {
    const s = this.state;
    if (s.kind === 'closed') return 0;
    if (s.kind === 'open') return Math.max(0, s.until - now);
    return s.cooldownMs;
  }

  succeeded(): void {
    this.state = { kind: 'closed', failures: 0 };
  }

  failed(now: number): void {
    const s = this.state;
    if (s.kind === 'closed') {
      const failures = s.failures + 1;
      this.state =
        failures >= this.policy.threshold
          ? { kind: 'open', until: now + this.policy.cooldownMs, cooldownMs: this.policy.cooldownMs }
          : { kind: 'closed', failures };
    } else if (s.kind === 'half_open') {
      const cooldownMs = Math.min(this.policy.maxCooldownMs, s.cooldownMs * 2);
      this.state = { kind: 'open', until: now + cooldownMs, cooldownMs };
    }
    // Already open: failures of sends admitted before it opened change nothing.
  }

  get status(): State['kind'] {
    return this.state.kind;
  }
}
