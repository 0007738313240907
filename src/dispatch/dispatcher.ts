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
 */
import type { ChannelConnector, ChannelPolicy, ConnectorRegistry } from '../core/ports/channel.ts';
import type { Job, JobQueue } from '../core/ports/queue.ts';
import type { ChannelAccountWithSecrets, DispatchMessage, Store } from '../core/ports/store.ts';
import type { SendOutcome } from '../core/vocabulary/channel.ts';
import { isHandedOver, isTerminal, MAYBE_SENT, type MessageStatus } from '../core/vocabulary/status.ts';
import { crashPoint } from '../lib/crash-points.ts';
import { type HttpClient, TransportError } from '../lib/http.ts';
import type { Logger } from '../lib/log.ts';
import { Outage } from '../lib/outage.ts';
import { PollingWorker } from '../lib/polling-worker.ts';
import { AccessTokenError, AccessTokens } from './access-tokens.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF, fullJitterDelay } from './backoff.ts';
import { type BreakerPolicy, DEFAULT_BREAKER } from './circuit-breaker.ts';
import { createMemoryLimits } from './limits/memory.ts';
import type { DeliveryLimits, RateLimit, Slot } from './limits/types.ts';
import { afterUnknownOutcome, MAYBE_SENT_RESEND, maybeSentCounters } from './maybe-sent.ts';

export interface DispatcherOptions {
  store: Store;
  queue: JobQueue;
  connectors: ConnectorRegistry;
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

/** When a job over its account's concurrency limit is looked at again. */
const CONCURRENCY_RETRY_MS = 25;

/** A rate-limit wait longer than this gives the job back to the queue rather than holding it. */
const MAX_INLINE_WAIT_MS = 1_000;

/** When a job that found the delivery limits unreachable is looked at again (plus jitter). */
const LIMITS_RETRY_MS = 1_000;

/** A failure of the delivery limits (e.g. Redis unreachable), as opposed to one of the store. */
class LimitsUnavailable extends Error {}

export class Dispatcher extends PollingWorker {
  private readonly o: Required<Omit<DispatcherOptions, 'now' | 'limits'>> & { now: () => Date };
  private readonly accounts = new Map<string, { account: ChannelAccountWithSecrets; loadedAt: number }>();
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
          claimed = await this.o.queue.claim(this.o.now(), Math.min(free, this.o.claimBatch), this.o.leaseMs);
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
    this.occupy(this.process(job, loaded).catch((error) => this.recover(job, error)));
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
      await this.retryOrFail(job, 'internal_error', reason);
    } catch (again) {
      // The store itself is failing; the lease will bring the job back.
      this.o.log.error({ err: again, messageId: job.messageId }, 'recording a failed attempt failed');
    }
  }

  private async idle(): Promise<void> {
    let wait = this.o.idleMs;
    if (this.busy < this.o.concurrency) {
      const next = await this.o.queue.nextDueInMs(this.o.now()).catch(() => undefined);
      if (next !== undefined) wait = Math.min(wait, next);
    }
    if (wait <= 0 && this.busy < this.o.concurrency) return;
    await this.sleep(wait);
  }

  private async process(job: Job, loaded: Loaded | undefined): Promise<void> {
    const { queue } = this.o;
    if (!loaded || isTerminal(loaded.status) || isHandedOver(loaded.status)) {
      // Already finished: the crash (or a duplicate claim) fell after the outcome was recorded.
      await queue.ack(job.messageId);
      return;
    }
    const message = loaded.message;
    if (job.attempts > this.o.maxAttempts) {
      // Claimed again and again without an outcome: its workers keep dying mid-attempt. If the
      // last one died with its request written, the provider may have the message.
      await this.finish(job, {
        status: 'failed',
        code: job.interrupted ? MAYBE_SENT : 'attempts_exhausted',
        reason: `claimed ${job.attempts} times without a provider answer (interrupted attempts)${
          job.interrupted ? '; the last may have reached the provider' : ''
        }`,
      });
      return;
    }
    if (message.expiresAt && Date.parse(message.expiresAt) <= this.o.now().getTime()) {
      await this.finish(job, {
        status: 'expired',
        code: 'expired',
        reason: 'expiresAt passed before sending',
      });
      return;
    }
    const account = await this.account(job);
    const connector = account && this.o.connectors[account.channel];
    if (!account || !connector) {
      await this.finish(job, {
        status: 'failed',
        code: 'channel_account_missing',
        reason: 'the channel account was removed',
      });
      return;
    }
    if (account.sandbox && this.o.refuseSandboxAccounts) {
      await this.finish(job, {
        status: 'failed',
        code: 'sandbox_account',
        reason: `queued in sandbox mode through sandbox account ${account.id}, which production does not send through`,
      });
      return;
    }
    if (job.interrupted && loaded.status === 'sending') {
      // The previous attempt was cut off after it began writing its request: the provider may have
      // the message. Resent now (counted), or failed, as the channel's policy says.
      const resend = await this.unknownOutcome(job, account.channel, connector, message, {
        code: 'interrupted',
        reason: 'an earlier attempt was cut off after its request may have reached the provider',
      });
      if (!resend) return;
    }

    let slot: Slot | undefined;
    try {
      slot = await this.passLimits(job, account, connector, message);
    } catch (error) {
      if (!(error instanceof LimitsUnavailable)) throw error;
      // Nothing was sent: like a job waiting for the breaker, it waits without using an attempt
      // rather than being sent past limits nobody can read.
      this.limitsOutage.down(error.cause);
      const retryIn = LIMITS_RETRY_MS + Math.floor(Math.random() * LIMITS_RETRY_MS);
      await queue.retryAt(job.messageId, new Date(this.o.now().getTime() + retryIn), { countAttempt: false });
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
    // Only failures that say the provider itself is in trouble trip the breaker; a refusal or a
    // throttle is a provider that works.
    const providerInTrouble = outcome.kind === 'transient' || outcome.kind === 'maybe_sent';
    await this.afterSend(
      providerInTrouble ? this.limits.failed(account.id) : this.limits.succeeded(account.id),
      job,
    );
    const openFor =
      outcome.kind === 'transient' ? ((await this.afterSend(this.limits.openFor(account.id), job)) ?? 0) : 0;
    if (outcome.kind === 'transient' && openFor > 0) {
      // The provider is down, not this message: it waits for the breaker, keeping its attempts.
      await this.deferForBreaker(job, outcome, openFor);
      return;
    }
    await this.settle(job, account.channel, connector, message, outcome);
  }

  /**
   * Waits for the account's breaker, the recipient's turn, a token of the account's rate and an
   * in-flight slot, in that order. Returns the slot when the message may go now; undefined when
   * the job went back to the queue for later, without using an attempt.
   */
  private async passLimits(
    job: Job,
    account: ChannelAccountWithSecrets,
    connector: ChannelConnector,
    message: DispatchMessage,
  ): Promise<Slot | undefined> {
    const { queue } = this.o;
    const limits = this.limits;
    // A provider account that keeps failing is left alone for a while; its messages wait, they
    // do not fail.
    const closedIn = await guarded(limits.admit(account.id));
    if (closedIn > 0) {
      await queue.retryAt(job.messageId, new Date(this.o.now().getTime() + closedIn), {
        countAttempt: false,
      });
      return undefined;
    }

    // The recipient's turn first: a person's pace is the narrower limit, and waiting for it must
    // not hold one of the account's tokens.
    const now = this.o.now().getTime();
    const perRecipient = this.paceFor(account, connector);
    const recipientWait = perRecipient
      ? await guarded(limits.takeTurn(account.id, message.to, message.id, perRecipient))
      : 0;
    if (recipientWait > MAX_INLINE_WAIT_MS) {
      // The turn is kept: the job comes back at its turn and uses it, whichever worker claims it.
      await guarded(limits.keepTurn(account.id, message.id, recipientWait));
      await queue.retryAt(job.messageId, new Date(now + recipientWait), { countAttempt: false });
      return undefined;
    }
    const rate = this.rateFor(account, connector);
    const wait = Math.max(recipientWait, await guarded(limits.takeToken(account.id, rate)));
    if (wait > MAX_INLINE_WAIT_MS) {
      await this.giveBack(job, account.id, now + wait, rate, perRecipient ? recipientWait : undefined);
      return undefined;
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    // An account limited to N requests in flight: a job over the limit goes back to the queue
    // without using an attempt; its token is returned and its recipient turn kept.
    const slot = await guarded(limits.acquireSlot(account.id, account.limits?.concurrency));
    if (slot === undefined) {
      await this.giveBack(
        job,
        account.id,
        this.o.now().getTime() + CONCURRENCY_RETRY_MS,
        rate,
        perRecipient ? 0 : undefined,
      );
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
    connector: ChannelConnector,
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

  private async settle(
    job: Job,
    channel: string,
    connector: ChannelConnector,
    message: DispatchMessage,
    outcome: Outcome,
  ): Promise<void> {
    switch (outcome.kind) {
      case 'sent':
        await this.finish(job, {
          status: 'sent',
          ...(outcome.providerMessageId ? { providerMessageId: outcome.providerMessageId } : {}),
        });
        return;
      case 'permanent':
        await this.finish(job, { status: 'failed', code: outcome.code, reason: outcome.reason });
        return;
      case 'rate_limited': {
        // Throttling is the provider pacing us, not the message failing: no attempt is used up.
        const delay = outcome.retryAfterMs ?? fullJitterDelay(job.attempts, this.o.backoff);
        await this.requeue(
          job,
          'rate_limited',
          outcome.code,
          `rate limited; retrying in ${delay} ms`,
          delay,
          {
            countAttempt: false,
          },
        );
        return;
      }
      case 'maybe_sent': {
        if (job.attempts >= this.o.maxAttempts) {
          await this.finish(job, {
            status: 'failed',
            code: MAYBE_SENT,
            reason: `${outcome.reason} (gave up after ${job.attempts} attempts; the last may have reached the provider)`,
          });
          return;
        }
        await this.unknownOutcome(
          job,
          channel,
          connector,
          message,
          outcome,
          fullJitterDelay(job.attempts, this.o.backoff),
        );
        return;
      }
      case 'transient':
        await this.retryOrFail(job, outcome.code, outcome.reason);
        return;
    }
  }

  /**
   * An attempt whose outcome is unknown: the channel's maybe-sent policy says whether the message
   * goes again. A resend is counted on the message (and its event) before it happens; `retryInMs`
   * puts the job back for it, without it the caller sends now. Returns whether it is resent.
   */
  private async unknownOutcome(
    job: Job,
    channel: string,
    connector: ChannelConnector,
    message: DispatchMessage,
    outcome: { code: string; reason: string },
    retryInMs?: number,
  ): Promise<boolean> {
    const policy = connector.maybeSentPolicy;
    if (afterUnknownOutcome(policy, message.maybeSentResends) === 'fail') {
      maybeSentCounters.count('failures', channel);
      const resent =
        message.maybeSentResends > 0 ? `; already resent ${message.maybeSentResends} time(s)` : '';
      await this.finish(job, {
        status: 'failed',
        code: MAYBE_SENT,
        reason: `${outcome.reason}; the provider may have the message, so it is not resent${resent}`,
      });
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
        reason: `${outcome.reason}; resending (${policy === 'resend' ? 'the provider deduplicates' : 'once at most'})`,
        detail: {
          attempt: job.attempts,
          outcome: 'maybe_sent',
          cause: outcome.code,
          ...(retryInMs !== undefined ? { retryInMs } : {}),
        },
      },
      { maybeSentResend: true },
    );
    // The count must be stored before the job can be claimed again, or the next attempt would
    // read the old count and resend once more: where the two writes are separate transactions
    // (PostgreSQL), the requeue waits for the note.
    await note;
    if (retryInMs === undefined) return true;
    await this.o.queue.retryAt(job.messageId, new Date(this.o.now().getTime() + retryInMs), {
      countAttempt: true,
      lastError: outcome.reason,
    });
    return true;
  }

  private async deferForBreaker(
    job: Job,
    outcome: { code: string; reason: string },
    waitMs: number,
  ): Promise<void> {
    await this.requeue(
      job,
      'circuit_open',
      outcome.code,
      `${outcome.reason}; the provider account's circuit is open, waiting ${waitMs} ms`,
      waitMs,
      { countAttempt: false, lastError: outcome.reason },
    );
  }

  private async retryOrFail(job: Job, code: string, reason: string): Promise<void> {
    if (job.attempts >= this.o.maxAttempts) {
      await this.finish(job, {
        status: 'failed',
        code,
        reason: `${reason} (gave up after ${job.attempts} attempts)`,
      });
      return;
    }
    const delay = fullJitterDelay(job.attempts, this.o.backoff);
    await this.requeue(job, 'transient', code, `${reason}; retrying in ${delay} ms`, delay, {
      countAttempt: true,
      lastError: reason,
    });
  }

  /**
   * Puts a job back without sending, not counting it as an attempt: its reserved token goes back
   * to the account's bucket, and its recipient turn (`turnInMs` from now) is kept for when it
   * returns.
   */
  private async giveBack(
    job: Job,
    accountId: string,
    runAt: number,
    rate: RateLimit,
    turnInMs: number | undefined,
  ): Promise<void> {
    await guarded(
      Promise.all([
        this.limits.refundToken(accountId, rate),
        turnInMs === undefined ? undefined : this.limits.keepTurn(accountId, job.messageId, turnInMs),
      ]),
    );
    await this.o.queue.retryAt(job.messageId, new Date(runAt), { countAttempt: false });
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
    if (account) this.accounts.set(account.id, { account, loadedAt: this.o.now().getTime() });
    return account;
  }

  /** The recipient's pace: the account's own, else the channel's setting, else the provider's. */
  private paceFor(account: ChannelAccountWithSecrets, connector: ChannelPolicy): RateLimit | undefined {
    const rate = account.limits?.recipientRatePerSecond ?? this.o.recipientRatePerSecond[account.channel];
    return rate ? { perSecond: rate, burst: 1 } : connector.recipientRateLimit;
  }

  /** The account's limit: its own, else the channel's setting, else the provider's documented rate. */
  private rateFor(account: ChannelAccountWithSecrets, connector: ChannelPolicy): RateLimit {
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
