/**
 * What the dispatcher does with a claimed job, decided without I/O. The dispatcher (dispatcher.ts)
 * reads the facts (the job and its message, the account, the delivery limits' answers, the
 * provider's classified answer, the clock), asks here, and applies the answer; so every branch
 * can be tested as a table (test/dispatch/decide.test.ts).
 *
 * Before the request the decision comes in gates, one per thing the dispatcher must read or
 * reserve, in the order it does so: the job itself, then its account and channel, then the
 * breaker, the recipient's turn, the account's rate and an in-flight slot. Each gate answers with
 * what stops the send here, or undefined to go on to the next; a gate's facts are read only once
 * the gates before it let the job through, since the limits' answers are reservations.
 */
import type { MaybeSentPolicy, SendOutcome } from '../core/vocabulary/channel.ts';
import { isHandedOver, isTerminal, MAYBE_SENT, type MessageStatus } from '../core/vocabulary/status.ts';
import { type BackoffPolicy, fullJitterDelay } from './backoff.ts';
import type { RateLimit } from './limits/types.ts';
import { afterUnknownOutcome } from './maybe-sent.ts';

/** A rate-limit wait longer than this gives the job back to the queue rather than holding it. */
export const MAX_INLINE_WAIT_MS = 1_000;

/** When a job over its account's concurrency limit is looked at again. */
const CONCURRENCY_RETRY_MS = 25;

/** When a job that found the delivery limits unreachable is looked at again (plus jitter). */
const LIMITS_RETRY_MS = 1_000;

/** What the decisions read of a claimed job. */
interface JobFacts {
  /** Attempts used so far, including the one this claim starts. */
  attempts: number;
  /** The previous claim died with its request written. */
  interrupted: boolean;
}

/** The retry budget and its spacing. */
export interface RetryFacts {
  attempts: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** A draw in [0, 1) that full jitter spreads the retry with. */
  jitter: number;
}

/** The message ends now, and its job with it, in one write. */
export type End =
  | { kind: 'expire'; code: 'expired'; reason: string }
  /** The message cannot be sent (refused, or nowhere to send it). */
  | { kind: 'fail'; code: string; reason: string }
  /** The attempt budget is spent. */
  | { kind: 'give_up'; code: string; reason: string };

/**
 * The channel's maybe-sent policy applied to an attempt whose outcome is unknown: fail the message
 * with `maybe_sent`, or count a resend on it and send again (`retryInMs` from now, or at once).
 */
export type MaybeSent =
  | { kind: 'maybe_sent_fail'; reason: string }
  | {
      kind: 'maybe_sent_resend';
      /** The code of what left the outcome unknown. */
      cause: string;
      /** The resend's note. */
      reason: string;
      /** What the job records as its last error when it goes back to the queue. */
      lastError: string;
      retryInMs?: number;
    };

/**
 * Back to the queue until `at` (ms since the epoch) without using an attempt. `refundToken`: the
 * token it reserved under this rate goes back to the account; `keepTurnInMs`: its recipient turn
 * is kept for it, that far from now.
 */
export interface Wait {
  kind: 'wait';
  at: number;
  refundToken?: RateLimit;
  keepTurnInMs?: number;
}

/** Already finished (a duplicate claim, or a crash after the outcome was recorded): drop the job. */
interface Drop {
  kind: 'drop';
}

// ---------------------------------------------------------------------------------------------
// Before the request

/** The job and its message, before anything else is read for it. */
export function checkJob(facts: {
  job: JobFacts;
  /** Undefined: the message is gone. */
  message: { status: MessageStatus; expiresAt?: string | undefined } | undefined;
  now: number;
  maxAttempts: number;
}): Drop | End | undefined {
  const { job, message } = facts;
  if (!message || isTerminal(message.status) || isHandedOver(message.status)) return { kind: 'drop' };
  if (job.attempts > facts.maxAttempts) {
    // Claimed again and again without an outcome: its workers keep dying mid-attempt. If the
    // last one died with its request written, the provider may have the message.
    return {
      kind: 'give_up',
      code: job.interrupted ? MAYBE_SENT : 'attempts_exhausted',
      reason: `claimed ${job.attempts} times without a provider answer (interrupted attempts)${
        job.interrupted ? '; the last may have reached the provider' : ''
      }`,
    };
  }
  if (message.expiresAt && Date.parse(message.expiresAt) <= facts.now) {
    return { kind: 'expire', code: 'expired', reason: 'expiresAt passed before sending' };
  }
  return undefined;
}

/** The account and its channel; a `maybe_sent_resend` goes on to the limits once counted. */
export function checkChannel(facts: {
  job: JobFacts;
  status: MessageStatus;
  maybeSentResends: number;
  /** Undefined: the account was removed, or no connector of its channel runs here. */
  account: { id: string; sandbox: boolean; maybeSentPolicy: MaybeSentPolicy | undefined } | undefined;
  refuseSandboxAccounts: boolean;
}): End | MaybeSent | undefined {
  const { account } = facts;
  if (!account) {
    return { kind: 'fail', code: 'channel_account_missing', reason: 'the channel account was removed' };
  }
  if (account.sandbox && facts.refuseSandboxAccounts) {
    return {
      kind: 'fail',
      code: 'sandbox_account',
      reason: `queued in sandbox mode through sandbox account ${account.id}, which production does not send through`,
    };
  }
  if (facts.job.interrupted && facts.status === 'sending') {
    // The previous attempt was cut off after it began writing its request: the provider may have
    // the message. Resent now (counted), or failed, as the channel's policy says.
    return unknownOutcome(account.maybeSentPolicy, facts.maybeSentResends, {
      code: 'interrupted',
      reason: 'an earlier attempt was cut off after its request may have reached the provider',
    });
  }
  return undefined;
}

/** The delivery limits could not be reached: nothing was sent, so the job waits for them. */
export function waitForLimits(now: number, jitter: number): Wait {
  return { kind: 'wait', at: now + LIMITS_RETRY_MS + Math.floor(jitter * LIMITS_RETRY_MS) };
}

/**
 * The account's breaker (`closedInMs`: its answer to `admit`). A provider account that keeps
 * failing is left alone for a while; its messages wait, they do not fail.
 */
export function checkBreaker(closedInMs: number, now: number): Wait | undefined {
  return closedInMs > 0 ? { kind: 'wait', at: now + closedInMs } : undefined;
}

/**
 * The recipient's turn, taken before the account's token: a person's pace is the narrower limit,
 * and waiting for it must not hold a token. A long wait keeps the turn: the job comes back at its
 * turn and uses it, whichever worker claims it. `now`: read before the turn was taken.
 */
export function checkTurn(recipientWaitMs: number, now: number): Wait | undefined {
  return recipientWaitMs > MAX_INLINE_WAIT_MS
    ? { kind: 'wait', at: now + recipientWaitMs, keepTurnInMs: recipientWaitMs }
    : undefined;
}

/**
 * The account's rate, given the token's wait and the recipient's (0 when unpaced): a short wait
 * is held here (`pause`), a long one gives the token back and keeps the turn. `now`: the same
 * reading as the turn's.
 */
export function checkRate(facts: {
  recipientWaitMs: number;
  tokenWaitMs: number;
  /** The recipient has a pace (a turn was taken). */
  paced: boolean;
  /** The rate the token was taken under. */
  rate: RateLimit;
  now: number;
}): Wait | { kind: 'pause'; ms: number } | undefined {
  const wait = Math.max(facts.recipientWaitMs, facts.tokenWaitMs);
  if (wait > MAX_INLINE_WAIT_MS) {
    return {
      kind: 'wait',
      at: facts.now + wait,
      // A token further than the inline wait was not reserved (takeToken's maxWaitMs).
      ...(tokenReserved(facts.tokenWaitMs) ? { refundToken: facts.rate } : {}),
      ...(facts.paced ? { keepTurnInMs: facts.recipientWaitMs } : {}),
    };
  }
  return wait > 0 ? { kind: 'pause', ms: wait } : undefined;
}

/**
 * An in-flight slot of an account limited to N requests at once. Without one the job goes back
 * without using an attempt; its token is returned and its recipient turn kept.
 */
export function checkSlot(facts: {
  slot: boolean;
  paced: boolean;
  rate: RateLimit;
  now: number;
}): Wait | undefined {
  if (facts.slot) return undefined;
  return {
    kind: 'wait',
    at: facts.now + CONCURRENCY_RETRY_MS,
    refundToken: facts.rate,
    ...(facts.paced ? { keepTurnInMs: 0 } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Before the claim: held-back work is never claimed

/**
 * How many of an account's jobs may be in this process's hands at once: what its rate lets
 * through within the inline wait (a job claimed beyond that would only be handed back), and its
 * in-flight slots. The claim takes at most this, less what is already in hand.
 */
export function claimRoom(rate: RateLimit, concurrency: number | undefined): number {
  const byRate = rate.burst + Math.floor((rate.perSecond * MAX_INLINE_WAIT_MS) / 1000);
  return Math.max(1, Math.min(byRate, concurrency ?? Number.POSITIVE_INFINITY));
}

/** Whether `takeToken(…, MAX_INLINE_WAIT_MS)` reserved the token it answered this wait for. */
export const tokenReserved = (tokenWaitMs: number): boolean => tokenWaitMs <= MAX_INLINE_WAIT_MS;

/**
 * Until when the account's jobs are left unclaimed, learned from a token taken `tokenWaitMs`
 * ahead: the next token is one interval after it, and a job claimed more than the inline wait
 * before that would only be handed back. Undefined: claim as usual.
 */
export function holdAfterToken(tokenWaitMs: number, rate: RateLimit, now: number): number | undefined {
  // A reserved token's successor is one interval after it; an unreserved one is itself the next.
  const nextToken = now + tokenWaitMs + (tokenReserved(tokenWaitMs) ? 1000 / rate.perSecond : 0);
  const until = Math.ceil(nextToken - MAX_INLINE_WAIT_MS);
  return until > now ? until : undefined;
}

// ---------------------------------------------------------------------------------------------
// After the answer

/**
 * What the breaker is told of an answer. Only failures that say the provider itself is in trouble
 * trip it; a refusal or a throttle is a provider that works.
 */
export function breakerReport(outcome: SendOutcome): 'failed' | 'succeeded' {
  return outcome.kind === 'transient' || outcome.kind === 'maybe_sent' ? 'failed' : 'succeeded';
}

/** Whether the answer's decision depends on the breaker being open (`AnswerFacts.breakerOpenForMs`). */
export function asksBreaker(outcome: SendOutcome): boolean {
  return outcome.kind === 'transient';
}

export interface AnswerFacts extends RetryFacts {
  outcome: SendOutcome;
  /** How long the account's breaker stays open, read after reporting this answer; 0 when closed. */
  breakerOpenForMs: number;
  maybeSentPolicy: MaybeSentPolicy | undefined;
  maybeSentResends: number;
}

/**
 * Back to the queue in `inMs` with a note (`code`, `reason`) of why. A `retry` uses an attempt;
 * a `wait` (the provider throttling us, or its breaker open) does not. `inMs` counts from when
 * the note is written.
 */
type Requeue =
  | { kind: 'retry'; code: string; reason: string; inMs: number; lastError: string }
  | {
      kind: 'wait';
      why: 'rate_limited' | 'circuit_open';
      code: string;
      reason: string;
      inMs: number;
      lastError?: string;
    };

/** A maybe-sent decision, which the dispatcher applies through its unknown-outcome path. */
export function isMaybeSent(d: { kind: string }): d is MaybeSent {
  return d.kind === 'maybe_sent_fail' || d.kind === 'maybe_sent_resend';
}

export type AfterAnswer = { kind: 'sent'; providerMessageId?: string } | End | Requeue | MaybeSent;

/** What to record of the provider's classified answer. */
export function afterAnswer(facts: AnswerFacts): AfterAnswer {
  const { outcome } = facts;
  if (outcome.kind === 'transient' && facts.breakerOpenForMs > 0) {
    // The provider is down, not this message: it waits for the breaker, keeping its attempts.
    return {
      kind: 'wait',
      why: 'circuit_open',
      code: outcome.code,
      reason: `${outcome.reason}; the provider account's circuit is open, waiting ${facts.breakerOpenForMs} ms`,
      inMs: facts.breakerOpenForMs,
      lastError: outcome.reason,
    };
  }
  switch (outcome.kind) {
    case 'sent':
      return {
        kind: 'sent',
        ...(outcome.providerMessageId ? { providerMessageId: outcome.providerMessageId } : {}),
      };
    case 'permanent':
      return { kind: 'fail', code: outcome.code, reason: outcome.reason };
    case 'rate_limited': {
      // Throttling is the provider pacing us, not the message failing: no attempt is used up.
      const delay = outcome.retryAfterMs ?? backoffDelay(facts);
      return {
        kind: 'wait',
        why: 'rate_limited',
        code: outcome.code,
        reason: `rate limited; retrying in ${delay} ms`,
        inMs: delay,
      };
    }
    case 'maybe_sent':
      if (facts.attempts >= facts.maxAttempts) {
        return {
          kind: 'give_up',
          code: MAYBE_SENT,
          reason: `${outcome.reason} (gave up after ${facts.attempts} attempts; the last may have reached the provider)`,
        };
      }
      return unknownOutcome(facts.maybeSentPolicy, facts.maybeSentResends, outcome, backoffDelay(facts));
    case 'transient':
      return retryOrGiveUp(facts, outcome.code, outcome.reason);
  }
}

/**
 * A failed attempt that may be tried again: retried after a backoff while attempts are left,
 * else given up. Also what an attempt that threw instead of answering comes to, so a job that
 * always throws ends `failed` instead of being claimed forever.
 */
export function retryOrGiveUp(facts: RetryFacts, code: string, reason: string): End | Requeue {
  if (facts.attempts >= facts.maxAttempts) {
    return { kind: 'give_up', code, reason: `${reason} (gave up after ${facts.attempts} attempts)` };
  }
  const delay = backoffDelay(facts);
  return {
    kind: 'retry',
    code,
    reason: `${reason}; retrying in ${delay} ms`,
    inMs: delay,
    lastError: reason,
  };
}

function unknownOutcome(
  policy: MaybeSentPolicy | undefined,
  resendsSoFar: number,
  outcome: { code: string; reason: string },
  retryInMs?: number,
): MaybeSent {
  if (afterUnknownOutcome(policy, resendsSoFar) === 'fail') {
    const resent = resendsSoFar > 0 ? `; already resent ${resendsSoFar} time(s)` : '';
    return {
      kind: 'maybe_sent_fail',
      reason: `${outcome.reason}; the provider may have the message, so it is not resent${resent}`,
    };
  }
  return {
    kind: 'maybe_sent_resend',
    cause: outcome.code,
    reason: `${outcome.reason}; resending (${policy === 'resend' ? 'the provider deduplicates' : 'once at most'})`,
    lastError: outcome.reason,
    ...(retryInMs !== undefined ? { retryInMs } : {}),
  };
}

function backoffDelay(facts: RetryFacts): number {
  return fullJitterDelay(facts.attempts, facts.backoff, () => facts.jitter);
}
