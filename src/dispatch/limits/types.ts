/**
 * The delivery-limits port: everything the dispatcher must agree on with the other workers before
 * it sends (the account's rate, the recipient's pace, the account's circuit breaker, its requests
 * in flight). The embedded gateway keeps them in process memory (memory.ts); scale-out workers
 * share one set through Redis (redis.ts), so N workers hold the provider's limits, not N times
 * them. test/conformance/limits.test.ts runs one suite against both.
 *
 * No method takes a time: each implementation reads its own clock (the dispatcher's in memory,
 * the Redis server's in Redis, so workers on machines whose clocks disagree still share one).
 * Waits come back as durations in ms.
 */
export interface RateLimit {
  perSecond: number;
  /** Sends let through at once after a quiet spell. */
  burst: number;
}

/** An in-flight slot taken with `acquireSlot`, handed back to `releaseSlot`. */
export type Slot = string;

export interface DeliveryLimits {
  /**
   * Reserves one of the account's tokens and returns how long to wait before using it (0: now).
   * Reservations queue: concurrent callers get turns one token apart, not the same next token.
   * With `maxWaitMs`, a token further away than that is not reserved, and the wait until the next
   * free one is returned: callers that will not wait so long then leave no debt behind them (a
   * claim of a hundred jobs of a 1/s account would otherwise book a hundred seconds of tokens).
   */
  takeToken(accountId: string, limit: RateLimit, maxWaitMs?: number): Promise<number>;
  /** Gives back a token reserved by `takeToken` that will not be used (the job went back). */
  refundToken(accountId: string, limit: RateLimit): Promise<void>;

  /**
   * Reserves the message's turn to write to `recipient` and returns the wait (0: now). A turn kept
   * for this message (`keepTurn`) is used instead, once, by whichever worker asks first.
   */
  takeTurn(accountId: string, recipient: string, messageId: string, limit: RateLimit): Promise<number>;
  /** Keeps the turn `inMs` from now for the message, which goes back to the queue to wait for it. */
  keepTurn(accountId: string, messageId: string, inMs: number): Promise<void>;

  /**
   * 0 when the account's breaker lets a send go now, else how long to wait. While half-open only
   * one probe goes, across every worker sharing the limits.
   */
  admit(accountId: string): Promise<number>;
  /** How long until the breaker admits a send again (0 when closed); changes nothing. */
  openFor(accountId: string): Promise<number>;
  /** The provider answered: the breaker closes. */
  succeeded(accountId: string): Promise<void>;
  /** A failure that points at the provider (5xx, timeout, refused connection). */
  failed(accountId: string): Promise<void>;

  /**
   * Takes one of the account's in-flight slots, or undefined when `max` are taken. Without a
   * `max` the account has no concurrency limit and the slot always comes.
   */
  acquireSlot(accountId: string, max: number | undefined): Promise<Slot | undefined>;
  releaseSlot(accountId: string, slot: Slot): Promise<void>;

  /**
   * Whether the limits can be consulted now, as far as is known without a round trip (a shared
   * store's connection is up). Absent: always. The dispatcher claims nothing while it is false.
   */
  reachable?(): boolean;
}
