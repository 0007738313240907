/**
 * The dispatch queue port. Accepting a message enqueues its job in the same transaction as the
 * message row (see MessageRepository.accept); this port is the consuming side the dispatcher uses.
 *
 * Claims are leases: a job whose worker dies is claimed again once its lease runs out, so
 * processing is at-least-once and the dispatcher must tolerate a job whose message already moved
 * on (it acks it without sending). test/conformance/queue.test.ts runs against every backend.
 */
export interface Job {
  messageId: string;
  tenantId: string;
  channelAccountId: string;
  /** Attempts that used up the retry budget so far, including the one this claim starts. */
  attempts: number;
  /**
   * The previous claim's lease ran out while its attempt was in flight (the worker died): the
   * provider may or may not have the message.
   */
  interrupted: boolean;
}

/**
 * Which lane a job waits in. Every claim serves `priority` first (single sends and sends marked
 * transactional), then `bulk` (batches); within a lane it shares the claim round robin across
 * tenants, then across each tenant's accounts, each account's jobs oldest-due first.
 */
export type QueueLane = 'priority' | 'bulk';

export interface ClaimOptions {
  /**
   * At most this many jobs of an account in this claim; 0 leaves its jobs untouched (its breaker
   * is open, its rate has no token for a while, its in-flight slots are full). Accounts not listed
   * are limited only by the claim's size. Holding them back here, rather than claiming and handing
   * them back, is what keeps a held backlog free: nothing is read past the index or written.
   */
  accountCaps?: ReadonlyMap<string, number>;
}

export interface JobQueue {
  /**
   * The jobs live in the store's own tables (the embedded queue): a status change made with
   * `finishJob` has already removed the job, so no `ack` is needed after it. A queue elsewhere
   * (BullMQ) is told with `ack`.
   */
  readonly finishedByStore: boolean;
  /**
   * Claims up to `limit` due jobs, leasing them for `leaseMs`, and counts the attempt: the
   * priority lane first, then round robin across tenants and their accounts (QueueLane), within
   * `options.accountCaps`.
   */
  claim(now: Date, limit: number, leaseMs: number, options?: ClaimOptions): Promise<Job[]>;
  /** Removes a finished job. */
  ack(messageId: string): Promise<void>;
  /**
   * Makes the job due again at `runAt`. With `countAttempt: false` the claim that started this
   * attempt is given back (a rate-limited or breaker-delayed try does not use the retry budget).
   */
  retryAt(
    messageId: string,
    runAt: Date,
    options: { countAttempt: boolean; lastError?: string },
  ): Promise<void>;
  /**
   * Makes every job still leased due now, keeping it marked in flight so its next claim sees it as
   * interrupted. Only for a queue this process owns alone (the embedded one, at start): any lease
   * it finds belongs to a process that died, and waiting out the lease would only add delay.
   */
  releaseLeases(now: Date): Promise<number>;
  /** Jobs due at or before `now` and not leased (for readiness and metrics). */
  depth(now: Date): Promise<number>;
  /**
   * Milliseconds until the next job becomes due, if any is waiting; with `options`, of the
   * accounts a claim with them could take from (those capped at 0 are left out).
   */
  nextDueInMs(now: Date, options?: ClaimOptions): Promise<number | undefined>;
}
