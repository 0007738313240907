/**
 * The dispatcher: claims due jobs, sends each through its channel connector under the account's
 * rate limit, and records what the provider said.
 *
 * Every claim is a lease, so a crash at any point leaves the job to be claimed again. A reclaimed
 * job whose message already reached `sent` (the crash fell between the provider's answer and the
 * ack) is acked without sending. A message is marked `sending` only once nothing but writing its
 * request is left (after the breaker, the pace, the rate and the concurrency slot), so a crash
 * leaves maybe-sent only what may really have reached the provider; that, and an answer that
 * does not tell, goes through the channel's maybe-sent policy (./maybe-sent.ts).
 *
 * What to do with a job (send, wait, expire, fail, give up, resend) is decided in ./decide.ts
 * without I/O; this class reads the facts each decision needs, in the order given there, and
 * applies the answers: the writes, their order, the crash points and the counters.
 *
 * Held-back work is never claimed: what it learns of an account that cannot send until some time
 * (its breaker open, its rate's next token, the provider's Retry-After) is kept in memory as a hold,
 * and the claim leaves that account's jobs untouched until then; nor does it take more of an
 * account's jobs than its rate and slots let run (claimRoom). A job claimed before the hold was
 * learned goes back without using an attempt and stays `queued`. With shared limits each worker
 * learns a hold once for itself.
 */
import type { ChannelOutbound, ChannelPolicy } from '../core/ports/channel.ts';
import type { ClaimOptions, Job, JobQueue } from '../core/ports/queue.ts';
import type { ChannelAccountWithSecrets, DispatchMessage, Store } from '../core/ports/store.ts';
import type { SendOutcome } from '../core/vocabulary/channel.ts';
import { MAYBE_SENT, type MessageStatus } from '../core/vocabulary/status.ts';
import { crashPoint } from '../lib/crash-points.ts';
import { type HttpClient, TransportError } from '../lib/http.ts';
import type { Logger } from '../lib/log.ts';
import { Outage } from '../lib/outage.ts';
import { PollingWorker } from '../lib/polling-worker.ts';
import { AccessTokenError, AccessTokens } from './access-tokens.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import { type BreakerPolicy, DEFAULT_BREAKER } from './circuit-breaker.ts';
import {
  type AfterAnswer,
  afterAnswer,
  asksBreaker,
  breakerReport,
  checkBreaker,
  checkChannel,
  checkJob,
  checkRate,
  checkSlot,
  checkTurn,
  claimRoom,
  type End,
  holdAfterToken,
  isMaybeSent,
  MAX_INLINE_WAIT_MS,
  type MaybeSent,
  type RetryFacts,
  retryOrGiveUp,
  type Wait,
  waitForLimits,
} from './decide.ts';
import { createMemoryLimits } from './limits/memory.ts';
import type { DeliveryLimits, RateLimit, Slot } from './limits/types.ts';
import { MAYBE_SENT_RESEND, maybeSentCounters } from './maybe-sent.ts';

/**
 * What the dispatcher reads of a channel: how to authorize a stored request and read the answer
 * (and fetch an access token first, where the channel uses them), and its delivery policy.
 */
export type DispatchConnector = Pick<ChannelOutbound, 'authorize' | 'classify' | 'accessToken'> &
  Pick<ChannelPolicy, 'rateLimit' | 'recipientRateLimit' | 'maybeSentPolicy'>;

export interface DispatcherOptions {
  store: Store;
  queue: JobQueue;
  /** The channels it sends through, by name (the registry's connectors fit). */
  connectors: Readonly<Record<string, DispatchConnector>>;
  http: HttpClient;
  /** The provider base URL an account talks to (sandbox emulator or real provider). */
  baseUrlFor: (account: ChannelAccountWithSecrets) => string;
  log: Logger;
  now?: () => Date;
  /** Sends in flight at once, across all accounts. */
  concurrency?: number;
  /**
   * Jobs taken per claim (default 32). Small where the dispatcher shares its event loop with the
   * API: a large claim is a burst of synchronous work (marking, rendering requests) that accepts
   * wait behind. A worker process has no API to starve, and each claim costs two database
   * transactions, so it takes bigger bites.
   */
  claimBatch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Per channel, a rate replacing the connector's documented default. */
  ratePerSecond?: Record<string, number | undefined>;
  /** Per channel, a per-recipient rate replacing the connector's documented pace. */
  recipientRatePerSecond?: Record<string, number | undefined>;
  /** Longest pause between polls when nothing wakes the dispatcher. */
  idleMs?: number;
  /**
   * When a provider account counts as down, and for how long sends to it wait. Used by the
   * default in-memory limits; limits passed in `limits` carry their own.
   */
  breaker?: BreakerPolicy;
  /**
   * Rates, paces, breakers and in-flight counts. Default: in this process's memory. Workers that
   * must share them pass the same Redis-backed limits (limits/redis.ts).
   */
  limits?: DeliveryLimits;
  /**
   * Production: a message queued through a sandbox account (public credentials) before the switch
   * from sandbox mode is failed, never sent; the accept already refuses new ones.
   */
  refuseSandboxAccounts?: boolean;
}

type Loaded = { message: DispatchMessage; status: MessageStatus };
type Outcome = SendOutcome;

/** How long an account's cached settings (limits, credentials) are used before being re-read. */
const ACCOUNT_REFRESH_MS = 5_000;

/** A failure of the delivery limits (e.g. Redis unreachable), as opposed to one of the store. */
class LimitsUnavailable extends Error {}

export class Dispatcher extends PollingWorker {
  private readonly o: Required<Omit<DispatcherOptions, 'now' | 'limits'>> & { now: () => Date };
  private readonly accounts = new Map<
    string,
    { account: ChannelAccountWithSecrets; loadedAt: number; room: number }
  >();
  /** Accounts whose jobs are not claimed before the time given (ms since the epoch). */
  private readonly holds = new Map<string, number>();
  /**
   * Accounts held by their open breaker: when the hold ends, one job is claimed to probe the
   * provider, and the rest once a send has gone through. A whole claim would meet the breaker
   * half-open, let one job by and hand every other back, writing each of them again.
   */
  private readonly probing = new Set<string>();
  /** Jobs of each account in this process's hands (claimed, not yet finished). */
  private readonly inHand = new Map<string, number>();
  private readonly tokens: AccessTokens;
  private readonly limits: DeliveryLimits;
  /** Outages are logged when they start and end, not at every poll or job that meets them. */
  private readonly queueOutage: Outage;
  private readonly limitsOutage: Outage;

  constructor(options: DispatcherOptions) {
    super();
    this.o = {
      now: () => new Date(),
      concurrency: 256,
      claimBatch: 32,
      leaseMs: 60_000,
      maxAttempts: 8,
      backoff: DEFAULT_BACKOFF,
      idleMs: 250,
      ratePerSecond: {},
      recipientRatePerSecond: {},
      breaker: DEFAULT_BREAKER,
      refuseSandboxAccounts: false,
      ...options,
    };
    this.tokens = new AccessTokens(this.o.http, () => this.o.now().getTime());
    this.limits =
      options.limits ?? createMemoryLimits({ breaker: this.o.breaker, now: () => this.o.now().getTime() });
    this.queueOutage = new Outage(
      'store (dispatch queue)',
      this.o.log,
      'no message is sent until it is back',
    );
    this.limitsOutage = new Outage(
      'delivery limits',
      this.o.log,
      'messages wait in the queue until they are back',
    );
  }

  protected async run(): Promise<void> {
    while (this.isRunning) {
      if (this.limits.reachable?.() === false) {
        // Shared limits out of reach (Redis down): a claimed job could neither pass them nor be
        // sent past them, so jobs stay queued, untouched, until the connection is back. Its own
        // outage is logged where the connection is made.
        await this.sleep(this.o.idleMs);
        continue;
      }
      const free = this.o.concurrency - this.busy;
      let claimed: Job[] = [];
      if (free > 0) {
        try {
          const now = this.o.now();
          claimed = await this.o.queue.claim(
            now,
            Math.min(free, this.o.claimBatch),
            this.o.leaseMs,
            this.claimOptions(now.getTime()),
          );
          this.queueOutage.up();
        } catch (error) {
          // The store is failing (database gone, disk full): back off instead of spinning on it.
          this.queueOutage.down(error);
          await this.sleep(this.o.idleMs);
          continue;
        }
      }
      if (claimed.length > 0) await this.begin(claimed);
      if (claimed.length === 0 || free <= claimed.length) await this.idle();
    }
  }

  /**
   * Reads the claimed batch in one go, then works each job concurrently. Nothing is marked yet:
   * each message is marked `sending` only when its request is about to be written.
   */
  private async begin(jobs: Job[]): Promise<void> {
    let loaded: Awaited<ReturnType<Store['messages']['loadForDispatch']>>;
    try {
      loaded = await this.o.store.messages.loadForDispatch(
        jobs.map((j) => ({ tenantId: j.tenantId, messageId: j.messageId })),
      );
    } catch (error) {
      // The leases run out and the jobs come back; nothing was sent.
      this.queueOutage.down(error);
      return;
    }
    crashPoint('after_claim');
    for (const [i, job] of jobs.entries()) this.track(job, loaded[i]);
  }

  private track(job: Job, loaded: Loaded | undefined): void {
    const id = job.channelAccountId;
    this.inHand.set(id, (this.inHand.get(id) ?? 0) + 1);
    this.occupy(
      this.process(job, loaded)
        .catch((error) => this.recover(job, error))
        .finally(() => {
          const left = (this.inHand.get(id) ?? 1) - 1;
          if (left > 0) this.inHand.set(id, left);
          else this.inHand.delete(id);
        }),
    );
  }

  /**
   * What the next claim may take of each account: nothing of a held one, and of one whose rate or
   * slots are narrower than a claim, its room less the jobs already in hand.
   */
  private claimOptions(now: number): ClaimOptions {
    const caps = new Map<string, number>();
    for (const [id, until] of this.holds) {
      if (until <= now) this.holds.delete(id);
      else caps.set(id, 0);
    }
    for (const id of this.probing) {
      const room = Math.min(1, this.accounts.get(id)?.room ?? 1);
      if (!caps.has(id)) caps.set(id, Math.max(0, room - (this.inHand.get(id) ?? 0)));
    }
    for (const [id, { room }] of this.accounts) {
      if (room >= this.o.claimBatch || caps.has(id)) continue;
      caps.set(id, Math.max(0, room - (this.inHand.get(id) ?? 0)));
    }
    // An account whose first jobs are in hand but not yet read: its room is learned within
    // milliseconds, and another claim meanwhile could take a batch it would only hand back.
    for (const id of this.inHand.keys()) if (!this.accounts.has(id)) caps.set(id, 0);
    return caps.size > 0 ? { accountCaps: caps } : {};
  }

  /**
   * Leaves the account's jobs unclaimed until `until` (a later hold already known stands); with
   * `probeAfter` (its breaker is open), one job only, after that, until a send goes through.
   */
  private hold(accountId: string, until: number, { probeAfter = false } = {}): void {
    if (until > (this.holds.get(accountId) ?? 0)) this.holds.set(accountId, until);
    if (probeAfter) this.probing.add(accountId);
  }

  /**
   * An attempt threw instead of producing an outcome (a bug, a store error, undecryptable
   * credentials). It counts against the attempt budget like a transient failure, so a job that
   * always throws ends `failed` instead of being claimed forever.
   */
  private async recover(job: Job, error: unknown): Promise<void> {
    this.o.log.error({ err: error, messageId: job.messageId }, 'dispatch failed');
    const reason = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    try {
      await this.record(job, retryOrGiveUp(this.retryFacts(job), 'internal_error', reason));
    } catch (again) {
      // The store itself is failing; the lease will bring the job back.
      this.o.log.error({ err: again, messageId: job.messageId }, 'recording a failed attempt failed');
    }
  }

  private async idle(): Promise<void> {
    let wait = this.o.idleMs;
    if (this.busy < this.o.concurrency) {
      // Jobs of held accounts are due but not claimable: the wait is for the next job a claim
      // could take, or the end of the first hold, whichever comes first.
      const now = this.o.now();
      const options = this.claimOptions(now.getTime());
      const next = await this.o.queue.nextDueInMs(now, options).catch(() => undefined);
      if (next !== undefined) wait = Math.min(wait, next);
      for (const until of this.holds.values()) wait = Math.min(wait, until - now.getTime());
    }
    if (wait <= 0 && this.busy < this.o.concurrency) return;
    await this.sleep(wait);
  }

  private async process(job: Job, loaded: Loaded | undefined): Promise<void> {
    const ended = checkJob({
      job,
      message: loaded && { status: loaded.status, expiresAt: loaded.message.expiresAt },
      now: this.o.now().getTime(),
      maxAttempts: this.o.maxAttempts,
    });
    if (!loaded || ended?.kind === 'drop') {
      await this.o.queue.ack(job.messageId);
      return;
    }
    if (ended) {
      await this.end(job, ended);
      return;
    }
    const message = loaded.message;
    const account = await this.account(job);
    const connector = account && this.o.connectors[account.channel];
    const refused = checkChannel({
      job,
      status: loaded.status,
      maybeSentResends: message.maybeSentResends,
      account:
        account && connector
          ? { id: account.id, sandbox: account.sandbox, maybeSentPolicy: connector.maybeSentPolicy }
          : undefined,
      refuseSandboxAccounts: this.o.refuseSandboxAccounts,
    });
    if (refused && !isMaybeSent(refused)) {
      await this.end(job, refused);
      return;
    }
    // checkChannel has ended every job without an account and its connector.
    if (!account || !connector) return;
    if (refused && !(await this.unknownOutcome(job, account.channel, message, refused))) return;

    let slot: Slot | undefined;
    try {
      slot = await this.passLimits(job, account, connector, message);
    } catch (error) {
      if (!(error instanceof LimitsUnavailable)) throw error;
      // Nothing was sent: like a job waiting for the breaker, it waits without using an attempt
      // rather than being sent past limits nobody can read.
      this.limitsOutage.down(error.cause);
      await this.wait(job, account.id, waitForLimits(this.o.now().getTime(), Math.random()));
      return;
    }
    this.limitsOutage.up();
    if (slot === undefined) return;
    let outcome: Outcome;
    try {
      // Only now, with nothing left but writing the request, is the message `sending`: a crash
      // before this line cannot have reached the provider, one after it may have.
      await this.o.store.messages.beginAttempts(this.o.now().toISOString(), [
        { tenantId: job.tenantId, messageId: job.messageId, attempt: job.attempts },
      ]);
      outcome = await this.send(connector, account, message);
    } finally {
      await this.afterSend(this.limits.releaseSlot(account.id, slot), job);
    }
    crashPoint('after_provider_answer');
    const failed = breakerReport(outcome) === 'failed';
    if (!failed) this.probing.delete(account.id);
    await this.afterSend(failed ? this.limits.failed(account.id) : this.limits.succeeded(account.id), job);
    const breakerOpenForMs = asksBreaker(outcome)
      ? ((await this.afterSend(this.limits.openFor(account.id), job)) ?? 0)
      : 0;
    const decision = afterAnswer({
      outcome,
      breakerOpenForMs,
      maybeSentPolicy: connector.maybeSentPolicy,
      maybeSentResends: message.maybeSentResends,
      ...this.retryFacts(job),
    });
    if (isMaybeSent(decision)) {
      await this.unknownOutcome(job, account.channel, message, decision);
    } else {
      await this.record(job, decision);
    }
  }

  /**
   * Waits for the account's breaker, the recipient's turn, a token of the account's rate and an
   * in-flight slot, in that order. Returns the slot when the message may go now; undefined when
   * the job went back to the queue for later, without using an attempt.
   */
  private async passLimits(
    job: Job,
    account: ChannelAccountWithSecrets,
    connector: DispatchConnector,
    message: DispatchMessage,
  ): Promise<Slot | undefined> {
    const limits = this.limits;
    const closedInMs = await guarded(limits.admit(account.id));
    // One reading of the clock serves the breaker, the turn and the rate: nothing awaits between.
    const now = this.o.now().getTime();
    const closed = checkBreaker(closedInMs, now);
    if (closed) {
      this.hold(account.id, closed.at, { probeAfter: true });
      await this.wait(job, account.id, closed);
      return undefined;
    }

    const perRecipient = this.paceFor(account, connector);
    const recipientWaitMs = perRecipient
      ? await guarded(limits.takeTurn(account.id, message.to, message.id, perRecipient))
      : 0;
    const turn = checkTurn(recipientWaitMs, now);
    if (turn) {
      await this.wait(job, account.id, turn);
      return undefined;
    }
    const rate = this.rateFor(account, connector);
    const paced = perRecipient !== undefined;
    // Only a token within the inline wait is reserved: a job that will go back leaves no debt.
    const tokenWaitMs = await guarded(limits.takeToken(account.id, rate, MAX_INLINE_WAIT_MS));
    const held = checkRate({ recipientWaitMs, tokenWaitMs, paced, rate, now });
    const rateHold = held?.kind === 'wait' ? held.at : holdAfterToken(tokenWaitMs, rate, now);
    if (rateHold !== undefined) this.hold(account.id, rateHold);
    if (held?.kind === 'wait') {
      await this.wait(job, account.id, held);
      return undefined;
    }
    if (held) await new Promise((r) => setTimeout(r, held.ms));

    const slot = await guarded(limits.acquireSlot(account.id, account.limits?.concurrency));
    if (slot === undefined) {
      const full = checkSlot({ slot: false, paced, rate, now: this.o.now().getTime() })!;
      this.hold(account.id, full.at);
      await this.wait(job, account.id, full);
    }
    return slot;
  }

  /**
   * Limits bookkeeping once the provider has answered must not change what happens to the
   * message: an error there (Redis unreachable) is logged, never retried as a failed send, which
   * could send it twice.
   */
  private async afterSend<T>(update: Promise<T>, job: Job): Promise<T | undefined> {
    try {
      return await update;
    } catch (error) {
      this.o.log.error({ err: error, messageId: job.messageId }, 'updating delivery limits failed');
      return undefined;
    }
  }

  private async send(
    connector: DispatchConnector,
    account: ChannelAccountWithSecrets,
    message: DispatchMessage,
  ): Promise<Outcome> {
    const baseUrl = this.o.baseUrlFor(account);
    let credentials = account.credentials;
    try {
      if (connector.accessToken) {
        const accessToken = await this.tokens.get(account.id, connector.accessToken, credentials, baseUrl);
        credentials = { ...credentials, accessToken };
      }
      const { path, headers, body } = connector.authorize(message.request, credentials);
      const response = await this.o.http.post(baseUrl + path, headers, body ?? message.request.body);
      const outcome = connector.classify(response);
      if (outcome.kind === 'transient' && outcome.invalidateAccessToken && credentials['accessToken']) {
        this.tokens.invalidate(account.id, credentials['accessToken']);
      }
      return outcome;
    } catch (error) {
      if (error instanceof AccessTokenError) {
        return { kind: 'transient', code: 'access_token', reason: error.message };
      }
      // Fetching the token never carries the message, so its transport errors are not "maybe sent".
      if (error instanceof TransportError && credentials === account.credentials && connector.accessToken) {
        return { kind: 'transient', code: error.code, reason: `fetching an access token: ${error.message}` };
      }
      if (error instanceof TransportError) {
        return error.phase === 'not_sent'
          ? { kind: 'transient', code: error.code, reason: error.message }
          : { kind: 'maybe_sent', code: error.code, reason: error.message };
      }
      throw error;
    }
  }

  /**
   * Records what was decided of the provider's answer (or of an attempt that threw), unless the
   * maybe-sent policy decides it (`unknownOutcome`).
   */
  private async record(job: Job, decision: Exclude<AfterAnswer, MaybeSent>): Promise<void> {
    switch (decision.kind) {
      case 'sent':
        await this.finish(job, {
          status: 'sent',
          ...(decision.providerMessageId ? { providerMessageId: decision.providerMessageId } : {}),
        });
        return;
      case 'expire':
      case 'fail':
      case 'give_up':
        await this.end(job, decision);
        return;
      case 'retry':
        await this.requeue(job, 'transient', decision.code, decision.reason, decision.inMs, {
          countAttempt: true,
          lastError: decision.lastError,
        });
        return;
      case 'wait':
        // The provider throttles the account, or its breaker opened: so do its other jobs.
        this.hold(job.channelAccountId, this.o.now().getTime() + decision.inMs, {
          probeAfter: decision.why === 'circuit_open',
        });
        await this.requeue(job, decision.why, decision.code, decision.reason, decision.inMs, {
          countAttempt: false,
          ...(decision.lastError !== undefined ? { lastError: decision.lastError } : {}),
        });
        return;
    }
  }

  /**
   * Applies the maybe-sent policy's decision. A resend is counted on the message (and its event)
   * before it happens; with `retryInMs` the job goes back for it, without it the caller sends now.
   * Returns whether it is resent now.
   */
  private async unknownOutcome(
    job: Job,
    channel: string,
    message: DispatchMessage,
    decision: MaybeSent,
  ): Promise<boolean> {
    if (decision.kind === 'maybe_sent_fail') {
      maybeSentCounters.count('failures', channel);
      await this.finish(job, { status: 'failed', code: MAYBE_SENT, reason: decision.reason });
      return false;
    }
    maybeSentCounters.count('resends', channel);
    // The attempt about to go must see this resend, should its outcome be unknown as well.
    message.maybeSentResends += 1;
    const note = this.o.store.messages.note(
      job.tenantId,
      job.messageId,
      {
        at: this.o.now().toISOString(),
        code: MAYBE_SENT_RESEND,
        reason: decision.reason,
        detail: {
          attempt: job.attempts,
          outcome: 'maybe_sent',
          cause: decision.cause,
          ...(decision.retryInMs !== undefined ? { retryInMs: decision.retryInMs } : {}),
        },
      },
      { maybeSentResend: true },
    );
    // The count must be stored before the job can be claimed again, or the next attempt would
    // read the old count and resend once more: where the two writes are separate transactions
    // (PostgreSQL), the requeue waits for the note.
    await note;
    if (decision.retryInMs === undefined) return true;
    await this.o.queue.retryAt(job.messageId, new Date(this.o.now().getTime() + decision.retryInMs), {
      countAttempt: true,
      lastError: decision.lastError,
    });
    return true;
  }

  /** What a retry decision reads of the job and the dispatcher's policy. */
  private retryFacts(job: Job): RetryFacts {
    return {
      attempts: job.attempts,
      maxAttempts: this.o.maxAttempts,
      backoff: this.o.backoff,
      jitter: Math.random(),
    };
  }

  /**
   * Puts a job back until `wait.at` without using an attempt: its reserved token goes back to the
   * account's bucket, and its recipient turn is kept for when it returns, where the decision says.
   */
  private async wait(job: Job, accountId: string, wait: Wait): Promise<void> {
    const { refundToken, keepTurnInMs } = wait;
    if (refundToken) {
      await guarded(
        Promise.all([
          this.limits.refundToken(accountId, refundToken),
          keepTurnInMs === undefined
            ? undefined
            : this.limits.keepTurn(accountId, job.messageId, keepTurnInMs),
        ]),
      );
    } else if (keepTurnInMs !== undefined) {
      await guarded(this.limits.keepTurn(accountId, job.messageId, keepTurnInMs));
    }
    await this.o.queue.retryAt(job.messageId, new Date(wait.at), { countAttempt: false });
  }

  /** Ends the message as decided: `expired`, or `failed` with the decision's code. */
  private async end(job: Job, end: End): Promise<void> {
    await this.finish(job, {
      status: end.kind === 'expire' ? 'expired' : 'failed',
      code: end.code,
      reason: end.reason,
    });
  }

  /**
   * Logs why an attempt did not finish and puts the job back for later, issued together so both
   * share one group commit (and a crash cannot keep one without the other).
   */
  private async requeue(
    job: Job,
    outcome: 'rate_limited' | 'transient' | 'circuit_open',
    code: string,
    reason: string,
    delayMs: number,
    options: { countAttempt: boolean; lastError?: string },
  ): Promise<void> {
    const at = this.o.now();
    await Promise.all([
      this.o.store.messages.note(job.tenantId, job.messageId, {
        at: at.toISOString(),
        code,
        reason,
        detail: { attempt: job.attempts, outcome, retryInMs: delayMs },
      }),
      this.o.queue.retryAt(job.messageId, new Date(at.getTime() + delayMs), options),
    ]);
  }

  /**
   * Ends the message and its job in one write (Transition.finishJob); a queue that lives outside
   * the store is told as well, in the same turn so both share one group commit.
   */
  private async finish(
    job: Job,
    end:
      | { status: 'failed' | 'expired'; code: string; reason: string }
      | { status: 'sent'; providerMessageId?: string },
  ): Promise<void> {
    await Promise.all([
      this.o.store.messages.transition(job.tenantId, {
        messageId: job.messageId,
        at: this.o.now().toISOString(),
        detail: { attempt: job.attempts },
        finishJob: true,
        ...end,
      }),
      this.o.queue.finishedByStore ? undefined : this.o.queue.ack(job.messageId),
    ]);
  }

  /** The account, re-read now and then so changed limits and credentials take effect. */
  private async account(job: Job): Promise<ChannelAccountWithSecrets | undefined> {
    const cached = this.accounts.get(job.channelAccountId);
    if (cached && this.o.now().getTime() - cached.loadedAt < ACCOUNT_REFRESH_MS) return cached.account;
    const account = await this.o.store.channelAccounts.get(job.tenantId, job.channelAccountId);
    if (account) {
      const connector = this.o.connectors[account.channel];
      const room = connector
        ? claimRoom(this.rateFor(account, connector), account.limits?.concurrency)
        : Number.POSITIVE_INFINITY;
      this.accounts.set(account.id, { account, loadedAt: this.o.now().getTime(), room });
    }
    return account;
  }

  /** The recipient's pace: the account's own, else the channel's setting, else the provider's. */
  private paceFor(account: ChannelAccountWithSecrets, connector: DispatchConnector): RateLimit | undefined {
    const rate = account.limits?.recipientRatePerSecond ?? this.o.recipientRatePerSecond[account.channel];
    return rate ? { perSecond: rate, burst: 1 } : connector.recipientRateLimit;
  }

  /** The account's limit: its own, else the channel's setting, else the provider's documented rate. */
  private rateFor(account: ChannelAccountWithSecrets, connector: DispatchConnector): RateLimit {
    const rate = account.limits?.ratePerSecond ?? this.o.ratePerSecond[account.channel];
    return rate
      ? { perSecond: rate, burst: account.limits?.burst ?? Math.max(1, Math.round(rate)) }
      : (connector.rateLimit ?? { perSecond: 100, burst: 100 });
  }
}

/** A delivery-limits call, its failure told apart from the store's. */
async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new LimitsUnavailable('the delivery limits are unavailable', { cause: error });
  }
}
