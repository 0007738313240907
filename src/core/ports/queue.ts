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

export interface JobQueue {
  /**
   * The jobs live in the store's own tables (the embedded queue): a status change made with
   * `finishJob` has already removed the job, so no `ack` is needed after it. A queue elsewhere
   * (BullMQ) is told with `ack`.
   */
  readonly finishedByStore: boolean;
  /** Claims up to `limit` due jobs, leasing them for `leaseMs`, and counts the attempt. */
  claim(now: Date, limit: number, leaseMs: number): Promise<Job[]>;
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
  /** Milliseconds until the next job becomes due, if any is waiting. */
  nextDueInMs(now: Date): Promise<number | undefined>;
}
